// Worker entry for monaco's JSON language service (schema diagnostics, hovers, completion).
import "monaco-editor/languages/features/json/json.worker.js";
