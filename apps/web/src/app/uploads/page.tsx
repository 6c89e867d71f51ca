import type { Metadata } from "next";
import { UploadsManager } from "./UploadsManager";

export const metadata: Metadata = { title: "Uploads" };

export default function UploadsPage() {
  return (
    <>
      <h1>Uploads</h1>
      <UploadsManager />
    </>
  );
}
