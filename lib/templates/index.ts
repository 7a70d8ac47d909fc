export * from "./schema";
export * from "./parameters";
export * from "./publish";
export * from "./suggest";
