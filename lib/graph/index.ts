export * from "./model";
export * from "./catalogue";
export * from "./node-def";
export * from "./bundled-catalogue";
export * from "./issues";
export * from "./validate";
export * from "./hash";
export * from "./diff";
