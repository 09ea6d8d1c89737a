// What the global setup hands to tests through vitest's provide/inject.
declare module "vitest" {
  export interface ProvidedContext {
    dockerHost: string;
  }
}

export {};
