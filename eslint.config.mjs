import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

const ioModules = [
  "react", "react-dom", "next", "next/*", "node:*", "fs", "path", "ws", "better-sqlite3",
  "@xyflow/react", "zustand", "@trpc/*", "ollama", "monaco-editor",
];

const config = [
  ...nextVitals,
  ...nextTs,
  {
    ignores: [".next/**", "node_modules/**", ".data/**", "next-env.d.ts", "test-results/**", "playwright-report/**", "bench/out/**"],
  },
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
    },
  },
  {
    // lib/ is pure and isomorphic: no IO, no React, no Next, no server or component code.
    files: ["lib/**/*.ts", "lib/**/*.tsx"],
    ignores: ["lib/**/*.test.ts", "lib/testing/**"],
    rules: {
      "no-restricted-imports": ["error", {
        patterns: [
          { group: ioModules, message: "lib/ is pure: move IO, React and Next code to server/ or components/." },
          { group: ["@/server/*", "@/components/*", "@/app/*", "../../server/*", "../../components/*"], message: "lib/ must not import server/ or components/." },
        ],
      }],
    },
  },
];

export default config;
