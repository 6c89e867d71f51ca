/**
 * The engine, typed end to end: openapi-fetch over the types that
 * openapi-typescript generates from clients/openapi.json (npm run gen:api).
 */
import createClient, { type Middleware } from "openapi-fetch";
import { ENGINE_URL } from "@/lib/config";
import type { components, paths } from "./schema";

export type Schemas = components["schemas"];
export type Job = Schemas["Job"];
export type JobCreate = Schemas["JobCreate"];
export type JobStatus = Schemas["JobStatus"];
export type JobOutput = Schemas["JobOutput"];
export type Upload = Schemas["Upload"];
export type ErrorBody = Schemas["ErrorBody"];
export type JobRow = Schemas["JobRow"];
export type JobEvent = Schemas["JobEvent"];
export type JobBroadcast = Schemas["JobBroadcast"];
export type Kind = Job["kind"];
/** A job narrowed to one kind: its `params` are that kind's. */
export type JobOf<K extends Kind> = Extract<Job, { kind: K }>;

export const TERMINAL: ReadonlySet<JobStatus> = new Set(["succeeded", "failed", "canceled"]);

export type Api = ReturnType<typeof createClient<paths>>;

/** A client that sends the caller's bearer token (from `getToken`) on each call. */
export function engineClient(getToken: () => Promise<string | null>, baseUrl = ENGINE_URL): Api {
  const client = createClient<paths>({ baseUrl });
  const auth: Middleware = {
    async onRequest({ request }) {
      const token = await getToken();
      if (token) request.headers.set("Authorization", `Bearer ${token}`);
      return request;
    },
  };
  client.use(auth);
  return client;
}

/** The engine's error envelope as one readable line. */
export function errorMessage(error: unknown): string {
  if (error && typeof error === "object" && "error" in error) {
    const body = (error as { error: ErrorBody }).error;
    const fields = body.details.errors?.map((e) => `${e.loc.join(".")}: ${e.msg}`) ?? [];
    return fields.length > 1 ? `${body.message} (${fields.join("; ")})` : body.message;
  }
  return error instanceof Error ? error.message : String(error);
}

/** Send a multipart body (uploads): openapi-fetch sends JSON unless told. */
export function formData(fields: Record<string, string | Blob | null | undefined>): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) {
    if (value !== null && value !== undefined) form.append(name, value);
  }
  return form;
}
