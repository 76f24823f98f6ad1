/**
 * Kubernetes resource quantities (`500m`, `2`, `4Gi`, `1e3`), as the API server accepts them for CPU and memory.
 *
 * @see https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/quantity/
 */

/** A non-negative quantity: a decimal number and an optional binary, decimal or exponent suffix. */
export const QUANTITY = /^(\d+(\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/;

const MULTIPLIERS: Record<string, number> = {
  'Ki': 2 ** 10,
  'Mi': 2 ** 20,
  'Gi': 2 ** 30,
  'Ti': 2 ** 40,
  'Pi': 2 ** 50,
  'Ei': 2 ** 60,
  'n': 1e-9,
  'u': 1e-6,
  'm': 1e-3,
  '': 1,
  'k': 1e3,
  'M': 1e6,
  'G': 1e9,
  'T': 1e12,
  'P': 1e15,
  'E': 1e18,
};

/** The value of a quantity in base units (cores, bytes), or undefined when it is not one. */
export function parseQuantity(quantity: string): number | undefined {
  const match = QUANTITY.exec(quantity);
  if (!match) {
    return undefined;
  }
  const suffix = match[3] ?? '';
  const number = Number(match[1]);
  return /^[eE]/.test(suffix) ? number * 10 ** Number(suffix.slice(1)) : number * MULTIPLIERS[suffix];
}
