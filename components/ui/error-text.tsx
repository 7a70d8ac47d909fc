"use client";

/** The message a person should read for a failed tRPC call: the server's own words, or field errors. */
export function errorMessage(error: unknown): string {
  if (!error) return "";
  const e = error as { message?: string; data?: { zodError?: { fieldErrors?: Record<string, string[]>; formErrors?: string[] } | null } };
  const z = e.data?.zodError;
  if (z) {
    const fields = Object.entries(z.fieldErrors ?? {}).map(([k, v]) => `${k}: ${v.join(", ")}`);
    const all = [...(z.formErrors ?? []), ...fields];
    if (all.length > 0) return all.join("; ");
  }
  return e.message ?? String(error);
}

export function ErrorText({ error }: { error: unknown }) {
  if (!error) return null;
  return (
    <p role="alert" className="error-text">
      {errorMessage(error)}
    </p>
  );
}
