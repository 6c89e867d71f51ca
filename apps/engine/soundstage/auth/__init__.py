"""Bearer tokens: verification (Supabase or local) and development minting."""
