export * from "./hash";
export * from "./rebase";
export * from "./highlights";
