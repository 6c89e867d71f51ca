import next from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

const config = [
  ...next,
  ...nextTs,
  {
    rules: {
      // The effects here fetch on mount and follow live updates (SSE, Realtime,
      // polling): setting state from them is their purpose.
      "react-hooks/set-state-in-effect": "off",
    },
  },
  { ignores: [".next/**", ".next-*/**", "node_modules/**", "src/lib/api/schema.d.ts", "src/lib/database.types.ts", "next-env.d.ts", "artifacts/**", "docs-snippets/generated/**"] },
];

export default config;
