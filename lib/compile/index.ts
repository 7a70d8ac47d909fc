export { compileToPrompt, isValidConnection } from "./compile";
export type { CompileIssue, CompileIssueCode, CompileOptions, CompileResult } from "./compile";
