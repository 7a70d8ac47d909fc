// The parts of monaco this panel uses, through the package's per-feature
// entries, instead of the whole "monaco-editor" entry: that one also
// registers ~80 languages and the TypeScript, CSS and HTML language
// services, whose workers alone are megabytes the JSON panel never runs.
// Everything comes from the installed package; nothing from a CDN.
import "monaco-editor/features/codicon/register.js";
import "monaco-editor/features/codeEditor/register.js";
import "monaco-editor/editor/browser/coreCommands.js";
import "monaco-editor/features/bracketMatching/register.js";
import "monaco-editor/features/clipboard/register.js";
import "monaco-editor/features/comment/register.js";
import "monaco-editor/features/contextmenu/register.js";
import "monaco-editor/features/cursorUndo/register.js";
import "monaco-editor/features/find/register.js";
import "monaco-editor/features/folding/register.js";
import "monaco-editor/features/format/register.js";
import "monaco-editor/features/gotoError/register.js";
import "monaco-editor/features/hover/register.js";
import "monaco-editor/features/indentation/register.js";
import "monaco-editor/features/linesOperations/register.js";
import "monaco-editor/features/multicursor/register.js";
import "monaco-editor/features/smartSelect/register.js";
import "monaco-editor/features/suggest/register.js";
import "monaco-editor/features/wordHighlighter/register.js";
import "monaco-editor/features/wordOperations/register.js";
import "monaco-editor/editor/common/standaloneStrings.js";

export { editor, MarkerSeverity, Uri } from "monaco-editor/editor/editor.api.js";
export { jsonDefaults } from "monaco-editor/languages/features/json/register.js";
