import { describe, expect, it } from "vitest";
import { centsToInput, currencyDigits, formatMoney, formatPrice, parseMoneyInput } from "./money";

describe("formatMoney", () => {
  it("formats integer cents with Intl", () => {
    expect(formatMoney(1999, "USD", "en-US")).toBe("$19.99");
    expect(formatMoney(0, "USD", "en-US")).toBe("$0.00");
    expect(formatMoney(123456789, "USD", "en-US")).toBe("$1,234,567.89");
    expect(formatMoney(-500, "USD", "en-US")).toBe("-$5.00");
  });

  it("respects the currency's minor units", () => {
    expect(currencyDigits("JPY")).toBe(0);
    expect(formatMoney(500, "JPY", "en-US")).toBe("¥500");
    expect(formatMoney(1050, "EUR", "de-DE")).toBe("10,50\u00a0€");
    expect(formatMoney(1050, "eur", "en-US")).toBe("€10.50");
  });

  it("degrades gracefully", () => {
    expect(formatMoney(null, "USD")).toBe("—");
    expect(formatMoney(100, "NOTACURRENCY", "en-US")).toMatch(/1\.00 NOTACURRENCY/);
  });

  it("shows Free for zero-price personas", () => {
    expect(formatPrice(0, "USD", "en-US")).toBe("Free");
    expect(formatPrice(500, "USD", "en-US")).toBe("$5.00");
  });
});

describe("parseMoneyInput", () => {
  it.each([
    ["19.99", 1999],
    ["19,99", 1999],
    ["20", 2000],
    ["0", 0],
    ["0.5", 50],
    [".5", 50],
    ["$1,234.50", 123450],
    ["1.234,50", 123450],
    ["1,234", 123400],
    [" 7 ", 700],
  ])("parses %j as %i cents", (input, cents) => {
    expect(parseMoneyInput(input, "USD")).toBe(cents);
  });

  it.each(["", "abc", "-5", "1.999", "1,2,3", "12.3.4"])("rejects %j", (input) => {
    expect(parseMoneyInput(input, "USD")).toBeNull();
  });

  it("uses whole units for zero-decimal currencies", () => {
    expect(parseMoneyInput("500", "JPY")).toBe(500);
    expect(parseMoneyInput("5.5", "JPY")).toBeNull();
  });

  it("never uses floating point (0.29 stays 29)", () => {
    expect(parseMoneyInput("0.29", "USD")).toBe(29);
    expect(parseMoneyInput("1.15", "USD")).toBe(115);
  });
});

describe("centsToInput", () => {
  it("renders an editable amount", () => {
    expect(centsToInput(1999)).toBe("19.99");
    expect(centsToInput(5)).toBe("0.05");
    expect(centsToInput(0)).toBe("0.00");
    expect(centsToInput(500, "JPY")).toBe("500");
  });
});
