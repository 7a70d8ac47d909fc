export { importApiPrompt, isApiLink, looksLikeApiPrompt, unwrapApiPrompt } from "./api";
export type { ApiNode, ApiPrompt, ImportApiOptions } from "./api";
export type { FormatError, ImportResult, ImportWarning } from "./types";
