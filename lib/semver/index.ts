export * from "./version";
export * from "./interface";
