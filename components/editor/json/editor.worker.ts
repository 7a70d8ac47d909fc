// Worker entry for monaco's editor services (diffing, links, word ranges).
import "monaco-editor/editor/editor.worker.js";
