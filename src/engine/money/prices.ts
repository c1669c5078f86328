/** Tokens × the model's price per million tokens, rounded to a billionth of a credit. */
export function priceCall(inputTokens: number, outputTokens: number, price: { input_price: number; output_price: number }): number {
  const credits = (inputTokens * price.input_price + outputTokens * price.output_price) / 1_000_000;
  return Math.round(credits * 1e9) / 1e9;
}
