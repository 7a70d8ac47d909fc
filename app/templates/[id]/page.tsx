import { TemplateDetail } from "@/components/gallery/template-detail";

export default async function TemplatePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <TemplateDetail templateId={id} />;
}
