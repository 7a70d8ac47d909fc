import { RunDetailPage } from "@/components/runs/run-detail-page";

export default async function RunPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <RunDetailPage runId={id} />;
}
