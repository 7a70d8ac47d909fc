import { notFound } from "next/navigation";
import { BareFlow } from "@/components/bench/bare-flow";

// The canvas benchmark's baseline: the same workflow drawn by React Flow's
// default nodes. Served only when the server runs with ATELIER_BENCH=1.
export const dynamic = "force-dynamic";

export default async function BareFlowPage({ params }: { params: Promise<{ id: string }> }) {
  if (process.env.ATELIER_BENCH !== "1") notFound();
  const { id } = await params;
  return <BareFlow workflowId={id} />;
}
