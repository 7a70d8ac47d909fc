"use client";

import { createContext, useCallback, useContext, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { RunPanel, useRun, type RunTarget, type UseRunResult } from "@/components/runs";
import type { RunOutput } from "@/lib/runs";
import { RunOutputsContext } from "./diff-overlay";
import { RunMarksStore, RunMarksStoreContext } from "./run-marks";

const RunnerContext = createContext<UseRunResult | null>(null);
const StartRunContext = createContext<(target: RunTarget) => void>(() => {});

/**
 * Follows the workflow's runs (its latest one after a reload, then each one
 * started here) for the editor. The run changes on every sampler step; kept
 * here, above the editor shell, a step re-renders the run button, the run
 * panel and the node that stepped, not the whole editor around them.
 */
export function EditorRun({ workflowId, children }: { workflowId: string; children: ReactNode }) {
  const runner = useRun({ workflowId });
  const [marks] = useState(() => new RunMarksStore());
  // Before the browser paints the message that changed them.
  useLayoutEffect(() => marks.set(runner.marks), [marks, runner.marks]);
  const runOutputs = runner.run?.outputs;
  const outputsByNode = useMemo(() => {
    const by: Record<string, RunOutput[]> = {};
    for (const o of runOutputs ?? []) (by[o.nodeId.split(":")[0]!] ??= []).push(o);
    return by;
  }, [runOutputs]);
  // One function for the page's life, so the editor that starts runs never re-renders for the run's progress.
  const start = useRef(runner.start);
  useLayoutEffect(() => {
    start.current = runner.start;
  }, [runner.start]);
  const startRun = useCallback((target: RunTarget) => void start.current(target), []);
  return (
    <StartRunContext.Provider value={startRun}>
      <RunnerContext.Provider value={runner}>
        <RunMarksStoreContext.Provider value={marks}>
          <RunOutputsContext.Provider value={outputsByNode}>{children}</RunOutputsContext.Provider>
        </RunMarksStoreContext.Provider>
      </RunnerContext.Provider>
    </StartRunContext.Provider>
  );
}

/** Starts a run of the given target and follows it (stable for the page's life). */
export function useStartRun(): (target: RunTarget) => void {
  return useContext(StartRunContext);
}

function useRunner(): UseRunResult {
  const runner = useContext(RunnerContext);
  if (!runner) throw new Error("useRunner outside <EditorRun>");
  return runner;
}

/** The toolbar's Run button: "Running 42%" while the followed run goes. */
export function RunButton({ onRun, title }: { onRun: () => void; title: string }) {
  const runner = useRunner();
  return (
    <button type="button" className="run-button" onClick={onRun} disabled={runner.starting} title={title}>
      {runner.active ? `Running ${Math.round(runner.progress * 100)}%` : "Run"}
    </button>
  );
}

/** The run side panel's content for the followed run. */
export function EditorRunPanel({ onSelectNode }: { onSelectNode: (nodeId: string) => void }) {
  return <RunPanel controller={useRunner()} onSelectNode={onSelectNode} />;
}
