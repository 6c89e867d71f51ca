import type { Metadata } from "next";
import { AudiobookForm } from "./AudiobookForm";

export const metadata: Metadata = { title: "New audiobook" };

export default function NewAudiobook() {
  return (
    <>
      <h1>New audiobook</h1>
      <AudiobookForm />
    </>
  );
}
