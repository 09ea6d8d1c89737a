export { localWriter } from "@lb/writers";
