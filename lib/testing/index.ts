export * from "./builders";
