import { RunsListPage } from "@/components/runs/runs-list-page";

export default function RunsPage() {
  return <RunsListPage />;
}
