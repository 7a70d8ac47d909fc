import { TemplateGallery } from "@/components/gallery/template-gallery";

export default function TemplatesPage() {
  return <TemplateGallery />;
}
