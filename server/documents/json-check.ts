import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import type { NodeCatalogue } from "@/lib/graph/catalogue";
import {
  getJsonSchema,
  importWorkflow,
  parseJsonText,
  placeJsonProblems,
  formatErrorToProblem,
  type ImportWarning,
  type JsonProblem,
  type JsonSchemaFormat,
  type WorkflowFormat,
} from "@/lib/formats";
import { assertNever } from "@/server/errors";

/** The verdict on a JSON text: schema and import problems with line/column, and what the importer would warn about. */
export interface JsonCheckResult {
  valid: boolean;
  problems: JsonProblem[];
  warnings: ImportWarning[];
  /** The format the importer recognised, when the text imported. */
  detectedFormat: WorkflowFormat | null;
}

/** Past this many problems the rest are dropped: a person fixes the first ones first. */
export const MAX_PROBLEMS = 100;

// allErrors so a person sees every problem at once; union types because real files mix integer and string ids.
const ajv = new Ajv({ allErrors: true, allowUnionTypes: true, strictTuples: false });
const validators = new Map<JsonSchemaFormat, ValidateFunction>();

function validatorFor(format: JsonSchemaFormat): ValidateFunction {
  let validate = validators.get(format);
  if (!validate) {
    validate = ajv.compile(getJsonSchema(format).schema);
    validators.set(format, validate);
  }
  return validate;
}

function describeError(error: ErrorObject): string {
  switch (error.keyword) {
    case "anyOf":
      return "does not have any of the accepted shapes";
    case "enum":
      return `must be one of ${(error.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")}`;
    case "const":
      return `must be ${JSON.stringify(error.params.allowedValue)}`;
    default:
      return error.message ?? `fails the "${error.keyword}" rule`;
  }
}

/**
 * Maps ajv errors to problems. An anyOf that fails reports every branch's
 * errors too; only the anyOf itself is kept, as the branch errors contradict
 * each other ("must be array", "must be object").
 */
export function schemaErrorsToProblems(errors: readonly ErrorObject[]): JsonProblem[] {
  const anyOfPaths = errors.filter((e) => e.keyword === "anyOf").map((e) => e.schemaPath.replace(/\/anyOf$/, "/anyOf/"));
  const seen = new Set<string>();
  const problems: JsonProblem[] = [];
  for (const error of errors) {
    if (anyOfPaths.some((p) => error.schemaPath.startsWith(p))) continue;
    const message = describeError(error);
    const key = `${error.instancePath}\u0000${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push({ source: "schema", path: error.instancePath, message });
  }
  return problems;
}

/** Schema and import messages name the place in words too, for a reader without an editor beside them. */
function withPlace(problem: JsonProblem): JsonProblem {
  const at = problem.line !== undefined ? `line ${problem.line}, column ${problem.column}` : undefined;
  switch (problem.source) {
    case "syntax":
      return problem;
    case "schema": {
      const where = problem.path === "" ? "The top level" : problem.path;
      return { ...problem, message: `${where}${at ? ` (${at})` : ""} ${problem.message}.` };
    }
    case "import":
      // A problem with the whole text ("" path) sits at line 1 for an editor's marker, but saying so adds nothing.
      return at && problem.path !== "" ? { ...problem, message: `${problem.message} (at ${at})` } : problem;
    default:
      return assertNever(problem.source, "problem source");
  }
}

/**
 * Checks JSON text against the JSON Schema of the chosen format (ajv, every
 * error) and imports it with lib/formats, so what the schema cannot see
 * (unknown node ids in links, a broken subgraph) is reported too.
 */
export function checkWorkflowJson(format: JsonSchemaFormat, text: string, catalogue: NodeCatalogue): JsonCheckResult {
  const parsed = parseJsonText(text);
  if (!parsed.ok) {
    return { valid: false, problems: [formatErrorToProblem(text, parsed.error)], warnings: [], detectedFormat: null };
  }
  const validate = validatorFor(format);
  const schemaProblems = validate(parsed.value) ? [] : schemaErrorsToProblems(validate.errors ?? []).slice(0, MAX_PROBLEMS);
  const imported = importWorkflow(text, { catalogue });
  const problems = placeJsonProblems(text, schemaProblems).map(withPlace);
  if (!imported.ok) problems.push(withPlace(formatErrorToProblem(text, imported.error)));
  return {
    valid: problems.length === 0,
    problems,
    warnings: imported.ok ? imported.warnings : [],
    detectedFormat: imported.ok ? (imported.format ?? null) : null,
  };
}
