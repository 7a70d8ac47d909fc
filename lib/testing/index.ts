export * from "./builders";
export * from "./arbitraries";
