export { importFromBytes, importFromFile, listMissingNodeTypes, MAX_IMPORT_BYTES } from "./import-file";
export type { ImportFileResult } from "./import-file";
export { buildExport, downloadFile, exportDocument, toFileBaseName } from "./export-file";
export type { ExportedFile, ExportFormat } from "./export-file";
export { encodeRgbPng, renderWorkflowPng } from "./png-image";
export type { WorkflowImageOptions } from "./png-image";
export { ImportNotice } from "./import-notice";
export type { ImportNoticeProps } from "./import-notice";
