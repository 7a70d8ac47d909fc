import { WorkflowHistoryPage } from "@/components/versions/history-page";

export default async function HistoryPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <WorkflowHistoryPage workflowId={id} />;
}
