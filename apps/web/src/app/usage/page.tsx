/** A server component: the engine called on the server with the caller's token. */
import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { errorMessage } from "@/lib/api/client";
import { serverApi } from "@/lib/auth/server";

export const metadata: Metadata = { title: "Usage" };
export const dynamic = "force-dynamic";

export default async function UsagePage() {
  const api = await serverApi();
  if (!api) redirect("/sign-in?next=/usage");
  const [{ data, error }, queue] = await Promise.all([api.GET("/v1/usage"), api.GET("/v1/queue")]);
  if (error) return <p role="alert" className="error">{errorMessage(error)}</p>;
  return (
    <>
      <h1>Usage</h1>
      <p className="muted">
        This month: {new Date(data.period_start).toLocaleDateString()} to{" "}
        {new Date(data.period_end).toLocaleDateString()}
      </p>
      <div className="card">
        <table>
          <thead>
            <tr>
              <th scope="col">What</th>
              <th scope="col">Used</th>
              <th scope="col">Limit</th>
              <th scope="col">Left</th>
            </tr>
          </thead>
          <tbody>
            {data.items.map((item) => (
              <tr key={item.name}>
                <td>{item.name.replaceAll("_", " ")}</td>
                <td>{item.used.toLocaleString()}</td>
                <td>{item.limit?.toLocaleString() ?? "no limit"}</td>
                <td>
                  {item.limit ? (
                    <meter min={0} max={item.limit} value={item.used} aria-label={`${item.name} used`} />
                  ) : null}{" "}
                  {item.remaining?.toLocaleString() ?? "—"}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {queue.data && (
        <div className="card">
          <h2>Queue</h2>
          <p>
            {queue.data.workers === 0
              ? "No worker is busy right now."
              : `${queue.data.workers} worker${queue.data.workers === 1 ? "" : "s"} busy.`}{" "}
            Yours: {Object.entries(queue.data.mine).map(([s, n]) => `${n} ${s}`).join(", ") || "none"}.
          </p>
        </div>
      )}
    </>
  );
}
