export * from "./hash";
export * from "./rebase";
