/** The money module: exact conversions and formatting, no floats anywhere. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  addDecimals, compareDecimals, currencyDigits, formatCredits, formatMoney, formatStoredMoney, formatUsd, majorToMinor, minorToMajor,
  rescale, roundDecimal, storedToMajor, subtractDecimals, toUnits,
} from '@/lib/money';

test('minor units become major units at the currency\'s exponent', () => {
  assert.equal(minorToMajor('2900', 'USD'), '29.00');
  assert.equal(minorToMajor('2900', 'usd'), '29.00');
  assert.equal(minorToMajor('1234567', 'JPY'), '1234567');
  assert.equal(minorToMajor('1234', 'KWD'), '1.234');
  assert.equal(minorToMajor('3000000', 'NGN'), '30000.00');
  assert.equal(minorToMajor('499', null), '4.99');
  assert.equal(minorToMajor('-5', 'EUR'), '-0.05');
  // A numeric(10,3) column of cents: the zeros go, a fraction of a cent stays.
  assert.equal(minorToMajor('2900.000', 'USD'), '29.00');
  assert.equal(minorToMajor('2900.500', 'USD'), '29.005');
  assert.equal(majorToMinor('29', 'USD'), '2900');
  assert.equal(majorToMinor('29.5', 'USD'), '2950');
  assert.equal(majorToMinor('1234567', 'JPY'), '1234567');
  assert.equal(majorToMinor('1.234', 'KWD'), '1234');
  assert.equal(storedToMajor('12.5', 'major', 'USD'), '12.50');
  assert.equal(storedToMajor('12.5000', 'major', 'USD'), '12.50');
  assert.equal(currencyDigits('JPY'), 0);
  assert.equal(currencyDigits('KWD'), 3);
  assert.equal(currencyDigits('not a code'), 2);
});

test('amounts format with the currency\'s symbol and decimals', () => {
  assert.equal(formatStoredMoney('2900', 'minor', 'USD'), '$29.00');
  assert.equal(formatStoredMoney('1234567', 'minor', 'JPY'), '¥1,234,567');
  assert.equal(formatStoredMoney('499', 'minor', 'USD'), '$4.99');
  assert.equal(formatMoney('29', 'USD'), '$29.00');
  assert.equal(formatMoney('-29.5', 'USD'), '-$29.50');
  assert.equal(formatMoney('-0.00', 'USD'), '$0.00');
  assert.equal(formatMoney('1.234', 'KWD'), 'KWD\u00a01.234');
  assert.equal(formatMoney('30000.00', 'NGN'), 'NGN\u00a030,000.00');
  assert.equal(formatMoney('1234.5', 'EUR'), '€1,234.50');
  assert.equal(formatMoney('1234.5', null), '1,234.50');
  assert.equal(formatMoney('12.5', 'dollars'), '12.50 dollars');
  assert.equal(formatMoney(null, 'USD'), '—');
  // Digits beyond the currency's are shown, never rounded away.
  assert.equal(formatMoney('0.0123', 'USD'), '$0.0123');
  assert.equal(formatUsd('12.3400'), '$12.34');
});

test('huge values beyond 2^53 stay exact', () => {
  const huge = '123456789012345678901234567.89';
  assert.equal(formatMoney(huge, 'USD'), '$123,456,789,012,345,678,901,234,567.89');
  assert.equal(minorToMajor('900719925474099312345', 'USD'), '9007199254740993123.45');
  assert.equal(formatStoredMoney('900719925474099312345', 'minor', 'JPY'), '¥900,719,925,474,099,312,345');
  assert.equal(addDecimals('9007199254740993.01', '0.01'), '9007199254740993.02');
  assert.equal(toUnits('9007199254740993.01', 2), 900719925474099301n);
  assert.throws(() => toUnits('1.001', 2));
});

test('credits show at the column\'s scale, never rounded', () => {
  assert.equal(formatCredits('1234.5', 3), '1,234.500');
  assert.equal(formatCredits('1234.567', 3), '1,234.567');
  assert.equal(formatCredits('0', 3), '0.000');
  assert.equal(formatCredits('-10.056', 2), '-10.056');
  assert.equal(formatCredits('-10.050', 2), '-10.05');
  assert.equal(formatCredits('12.3456789012345678901', 3), '12.3456789012345678901');
  assert.equal(formatCredits('77214.00'), '77,214.00');
  assert.equal(formatCredits(null), '–');
  // The 0.01-0.06 gap between a truncating and a rounding page cannot happen: one value, one string.
  assert.equal(rescale('99.996', 3), '99.996');
  assert.equal(rescale('5', 3), '5.000');
});

test('a float column\'s text (an exponent, NaN) is read exactly or passed as written', () => {
  assert.equal(rescale('1.2345e-05', 4), '0.000012345');
  assert.equal(rescale('1e+21', 2), '1000000000000000000000.00');
  assert.equal(formatMoney('2.5E1', 'USD'), '$25.00');
  assert.equal(rescale('NaN', 2), 'NaN');
  assert.equal(formatCredits('Infinity', 2), 'Infinity');
});

test('decimal arithmetic is exact', () => {
  assert.equal(addDecimals('0.1', '0.2'), '0.3');
  assert.equal(addDecimals('-1.005', '1'), '-0.005');
  assert.equal(subtractDecimals('10.000', '9.99'), '0.010');
  assert.equal(compareDecimals('1.10', '1.1'), 0);
  assert.equal(compareDecimals('-2', '1'), -1);
  assert.equal(roundDecimal('1.00005', 4), '1.0001');
  assert.equal(roundDecimal('-1.00005', 4), '-1.0001');
  assert.equal(roundDecimal('2.5', 0), '3');
  assert.equal(roundDecimal('1.2', 4), '1.2000');
});
