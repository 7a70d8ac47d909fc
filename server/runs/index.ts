export { createRunManager, DEFAULT_PROMPT_PASSES } from "./manager";
export type { PromptPass, PromptPassContext, RunManager, RunManagerDeps, StartRunInput } from "./manager";
export { createRunRepository, outputUrl } from "./store";
export type { RunListFilter, RunRepository, StoredOutput } from "./store";
export { getCatalogue, getComfyStatus } from "./catalogue";
export type { CatalogueAnswer, ComfyStatus } from "./catalogue";
export { serveRunFile } from "./files";
