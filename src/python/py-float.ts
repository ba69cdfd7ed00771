/** A Python float. Plain JS numbers that are integral print as Python ints; wrap floats in this. */
export class PyFloat {
  constructor(readonly value: number) {}
  valueOf(): number {
    return this.value;
  }
  toJSON(): number {
    return this.value;
  }
}

export function pyFloat(x: number): PyFloat {
  return new PyFloat(x);
}
