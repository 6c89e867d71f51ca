import type { Metadata } from "next";
import { JobsList } from "./JobsList";

export const metadata: Metadata = { title: "Jobs" };

export default function JobsPage() {
  return (
    <>
      <h1>Jobs</h1>
      <JobsList />
    </>
  );
}
