"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { errorMessage, type JobCreate } from "@/lib/api/client";
import { browserApi } from "@/lib/auth/browser";

/** POST /v1/jobs with a typed body (the union on `kind`), then open the job. */
export function useCreateJob() {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  async function create(body: JobCreate) {
    setBusy(true);
    setError(null);
    const { data, error } = await browserApi().POST("/v1/jobs", {
      body,
      // a double click or a retried request creates one job, not two
      params: { header: { "Idempotency-Key": crypto.randomUUID() } },
    });
    setBusy(false);
    if (error) return setError(errorMessage(error));
    router.push(`/jobs/${data.id}`);
  }
  return { create, error, busy };
}
