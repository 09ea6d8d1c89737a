export { type ByteMutation, byteMutation, inPieces, mutateBytes } from "./hostile-bytes.js";
