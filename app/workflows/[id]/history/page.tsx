import { WorkflowHistoryPage } from "@/components/versions/history-page";

export default async function HistoryPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<{ version?: string }> }) {
  const { id } = await params;
  const { version } = await searchParams;
  const n = Number(version);
  return <WorkflowHistoryPage workflowId={id} version={version !== undefined && Number.isInteger(n) && n > 0 ? n : undefined} />;
}
