/**
 * @module Checksums and range rules that tell a real identifier from a look-alike number: Luhn and
 * card issuer ranges, IBAN mod-97 with country lengths, US SSN ranges, UK NHS, Spanish NIF/NIE,
 * Italian codice fiscale, Polish PESEL, Finnish HETU, Bitcoin (base58check, bech32/bech32m) and
 * Ethereum (EIP-55) addresses.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { keccak_256 } from '@noble/hashes/sha3.js';

/** Luhn (mod 10) check of a digit string. */
export function luhnValid(digits: string): boolean {
	let sum = 0;
	let double = false;
	for (let i = digits.length - 1; i >= 0; i--) {
		let d = digits.charCodeAt(i) - 48;
		if (d < 0 || d > 9) return false;
		if (double) {
			d *= 2;
			if (d > 9) d -= 9;
		}
		sum += d;
		double = !double;
	}
	return sum % 10 === 0;
}

/** Card issuer from the number's leading digits and length, or null if no issuer uses them. */
export function cardIssuer(digits: string): string | null {
	const n = digits.length;
	const p2 = Number(digits.slice(0, 2));
	const p3 = Number(digits.slice(0, 3));
	const p4 = Number(digits.slice(0, 4));
	const p6 = Number(digits.slice(0, 6));
	if (digits[0] === '4' && (n === 13 || n === 16 || n === 19)) return 'visa';
	if (((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)) && n === 16) return 'mastercard';
	if ((p2 === 34 || p2 === 37) && n === 15) return 'amex';
	if (
		(p4 === 6011 || (p3 >= 644 && p3 <= 649) || p2 === 65 || (p6 >= 622126 && p6 <= 622925)) &&
		n >= 16 &&
		n <= 19
	)
		return 'discover';
	if (((p3 >= 300 && p3 <= 305) || p2 === 36 || p2 === 38 || p2 === 39) && n >= 14 && n <= 19)
		return 'diners';
	if (p4 >= 3528 && p4 <= 3589 && n >= 16 && n <= 19) return 'jcb';
	if (p2 === 62 && n >= 16 && n <= 19) return 'unionpay';
	if ((p2 === 50 || (p2 >= 56 && p2 <= 69)) && n >= 12 && n <= 19) return 'maestro';
	if (p4 === 2200 || p4 === 2201 || p4 === 2202 || p4 === 2203 || p4 === 2204)
		return n === 16 ? 'mir' : null;
	return null;
}

/** IBAN length per country (ISO 13616 registry). */
export const IBAN_LENGTHS: Record<string, number> = {
	AD: 24,
	AE: 23,
	AL: 28,
	AT: 20,
	AZ: 28,
	BA: 20,
	BE: 16,
	BG: 22,
	BH: 22,
	BI: 27,
	BR: 29,
	BY: 28,
	CH: 21,
	CR: 22,
	CY: 28,
	CZ: 24,
	DE: 22,
	DJ: 27,
	DK: 18,
	DO: 28,
	EE: 20,
	EG: 29,
	ES: 24,
	FI: 18,
	FK: 18,
	FO: 18,
	FR: 27,
	GB: 22,
	GE: 22,
	GI: 23,
	GL: 18,
	GR: 27,
	GT: 28,
	HR: 21,
	HU: 28,
	IE: 22,
	IL: 23,
	IQ: 23,
	IS: 26,
	IT: 27,
	JO: 30,
	KW: 30,
	KZ: 20,
	LB: 28,
	LC: 32,
	LI: 21,
	LT: 20,
	LU: 20,
	LV: 21,
	LY: 25,
	MC: 27,
	MD: 24,
	ME: 22,
	MK: 19,
	MN: 20,
	MR: 27,
	MT: 31,
	MU: 30,
	NI: 28,
	NL: 18,
	NO: 15,
	OM: 23,
	PK: 24,
	PL: 28,
	PS: 29,
	PT: 25,
	QA: 29,
	RO: 24,
	RS: 22,
	RU: 33,
	SA: 24,
	SC: 31,
	SD: 18,
	SE: 24,
	SI: 19,
	SK: 24,
	SM: 27,
	SO: 23,
	ST: 25,
	SV: 28,
	TL: 23,
	TN: 24,
	TR: 26,
	UA: 29,
	VA: 22,
	VG: 24,
	XK: 20,
	YE: 30
};

/** IBAN check: known country, its length, and mod-97 of the rearranged number equal to 1. */
export function ibanValid(raw: string): boolean {
	const iban = raw.replace(/[\s-]/g, '').toUpperCase();
	const len = IBAN_LENGTHS[iban.slice(0, 2)];
	if (len === undefined || iban.length !== len || !/^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(iban))
		return false;
	const moved = iban.slice(4) + iban.slice(0, 4);
	let rest = 0;
	for (const ch of moved) {
		const code = ch.charCodeAt(0);
		const value = code >= 65 ? String(code - 55) : ch;
		for (const d of value) rest = (rest * 10 + (d.charCodeAt(0) - 48)) % 97;
	}
	return rest === 1;
}

/** Numbers the SSA never issues, and well-known sample numbers. */
const SSN_SAMPLES = new Set(['078051120', '219099999', '457555462', '123456789', '111111111']);

/** US SSN validity: area not 000, 666 or 9xx; group not 00; serial not 0000; not a sample number. */
export function ssnValid(digits: string): boolean {
	if (!/^\d{9}$/.test(digits) || SSN_SAMPLES.has(digits)) return false;
	if (/^(\d)\1{8}$/.test(digits)) return false;
	const area = Number(digits.slice(0, 3));
	const group = Number(digits.slice(3, 5));
	const serial = Number(digits.slice(5));
	return area !== 0 && area !== 666 && area < 900 && group !== 0 && serial !== 0;
}

/** UK NHS number: 10 digits, mod-11 check digit. */
export function nhsValid(digits: string): boolean {
	if (!/^\d{10}$/.test(digits) || /^(\d)\1{9}$/.test(digits)) return false;
	let sum = 0;
	for (let i = 0; i < 9; i++) sum += (digits.charCodeAt(i) - 48) * (10 - i);
	let check = 11 - (sum % 11);
	if (check === 11) check = 0;
	return check !== 10 && check === digits.charCodeAt(9) - 48;
}

const NIF_LETTERS = 'TRWAGMYFPDXBNJZSQVHLCKE';

/** Spanish NIF (DNI) `12345678Z` or NIE `X1234567L`: mod-23 control letter. */
export function spanishIdValid(raw: string): boolean {
	const id = raw.replace(/[\s-]/g, '').toUpperCase();
	let m = /^(\d{8})([A-Z])$/.exec(id);
	if (m) return NIF_LETTERS[Number(m[1]) % 23] === m[2];
	m = /^([XYZ])(\d{7})([A-Z])$/.exec(id);
	if (!m) return false;
	const n = Number(String('XYZ'.indexOf(m[1])) + m[2]);
	return NIF_LETTERS[n % 23] === m[3];
}

const CF_ODD: Record<string, number> = {
	'0': 1,
	'1': 0,
	'2': 5,
	'3': 7,
	'4': 9,
	'5': 13,
	'6': 15,
	'7': 17,
	'8': 19,
	'9': 21,
	A: 1,
	B: 0,
	C: 5,
	D: 7,
	E: 9,
	F: 13,
	G: 15,
	H: 17,
	I: 19,
	J: 21,
	K: 2,
	L: 4,
	M: 18,
	N: 20,
	O: 11,
	P: 3,
	Q: 6,
	R: 8,
	S: 12,
	T: 14,
	U: 16,
	V: 10,
	W: 22,
	X: 25,
	Y: 24,
	Z: 23
};

/** Italian codice fiscale: 16 characters with its check letter. */
export function italianFiscalCodeValid(raw: string): boolean {
	const cf = raw.toUpperCase();
	if (
		!/^[A-Z]{6}[0-9LMNPQRSTUV]{2}[A-EHLMPRST][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]$/.test(
			cf
		)
	)
		return false;
	let sum = 0;
	for (let i = 0; i < 15; i++) {
		const c = cf[i];
		if (i % 2 === 0) sum += CF_ODD[c];
		else sum += c >= '0' && c <= '9' ? c.charCodeAt(0) - 48 : c.charCodeAt(0) - 65;
	}
	return String.fromCharCode(65 + (sum % 26)) === cf[15];
}

/** Polish PESEL: 11 digits, weighted check digit and a real birth date. */
export function peselValid(digits: string): boolean {
	if (!/^\d{11}$/.test(digits)) return false;
	const w = [1, 3, 7, 9, 1, 3, 7, 9, 1, 3];
	let sum = 0;
	for (let i = 0; i < 10; i++) sum += (digits.charCodeAt(i) - 48) * w[i];
	if ((10 - (sum % 10)) % 10 !== digits.charCodeAt(10) - 48) return false;
	const month = Number(digits.slice(2, 4)) % 20;
	const day = Number(digits.slice(4, 6));
	return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

const HETU_CHECK = '0123456789ABCDEFHJKLMNPRSTUVWXY';

/** Finnish personal identity code (HETU) `DDMMYYCZZZQ`: mod-31 check character. */
export function finnishIdValid(raw: string): boolean {
	const m = /^(\d{6})[-+ABCDEFYXWVU](\d{3})([0-9A-Y])$/.exec(raw.toUpperCase());
	if (!m) return false;
	const day = Number(m[1].slice(0, 2));
	const month = Number(m[1].slice(2, 4));
	if (day < 1 || day > 31 || month < 1 || month > 12) return false;
	return HETU_CHECK[Number(m[1] + m[2]) % 31] === m[3];
}

const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

function base58Decode(s: string): Uint8Array | null {
	let n = 0n;
	for (const c of s) {
		const v = BASE58.indexOf(c);
		if (v < 0) return null;
		n = n * 58n + BigInt(v);
	}
	const bytes: number[] = [];
	while (n > 0n) {
		bytes.unshift(Number(n % 256n));
		n /= 256n;
	}
	for (const c of s) {
		if (c !== '1') break;
		bytes.unshift(0);
	}
	return Uint8Array.from(bytes);
}

/** Bitcoin legacy (P2PKH `1…`, P2SH `3…`) address: base58check with a double SHA-256 checksum. */
export function base58CheckValid(address: string): boolean {
	const bytes = base58Decode(address);
	if (!bytes || bytes.length !== 25) return false;
	const body = bytes.slice(0, 21);
	const check = sha256(sha256(body)).slice(0, 4);
	return check.every((b, i) => b === bytes[21 + i]) && (body[0] === 0 || body[0] === 5);
}

const BECH32 = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';

function bech32Polymod(values: number[]): number {
	const gen = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
	let chk = 1;
	for (const v of values) {
		const top = chk >>> 25;
		chk = ((chk & 0x1ffffff) << 5) ^ v;
		for (let i = 0; i < 5; i++) if ((top >>> i) & 1) chk ^= gen[i];
	}
	return chk >>> 0;
}

/** Bitcoin segwit address `bc1…`: bech32 (v0) or bech32m (v1+) checksum. */
export function bech32Valid(address: string): boolean {
	const a = address.toLowerCase();
	if (a !== address && address.toUpperCase() !== address) return false;
	const sep = a.lastIndexOf('1');
	if (sep < 1 || a.length - sep < 7) return false;
	const hrp = a.slice(0, sep);
	const data: number[] = [];
	for (const c of a.slice(sep + 1)) {
		const v = BECH32.indexOf(c);
		if (v < 0) return false;
		data.push(v);
	}
	const expanded = [
		...[...hrp].map((c) => c.charCodeAt(0) >> 5),
		0,
		...[...hrp].map((c) => c.charCodeAt(0) & 31)
	];
	const mod = bech32Polymod([...expanded, ...data]);
	return (data[0] === 0 && mod === 1) || (data[0] > 0 && mod === 0x2bc830a3);
}

/** Ethereum address: `0x` + 40 hex; mixed case must match the EIP-55 checksum. */
export function ethereumAddressCheck(address: string): 'checksummed' | 'unchecked' | 'invalid' {
	const hex = address.slice(2);
	if (!/^0x[0-9a-fA-F]{40}$/.test(address)) return 'invalid';
	if (hex === hex.toLowerCase() || hex === hex.toUpperCase()) return 'unchecked';
	const hash = keccak_256(new TextEncoder().encode(hex.toLowerCase()));
	for (let i = 0; i < 40; i++) {
		const nibble = (hash[i >> 1] >> (i % 2 === 0 ? 4 : 0)) & 0xf;
		const c = hex[i];
		if (/[a-f]/i.test(c) && nibble >= 8 !== (c === c.toUpperCase())) return 'invalid';
	}
	return 'checksummed';
}

/** Whether `s` is a valid IPv6 address (full, compressed, or with an embedded IPv4 tail). */
export function ipv6Valid(s: string): boolean {
	let text = s;
	const zone = text.indexOf('%');
	if (zone >= 0) text = text.slice(0, zone);
	let groupsNeeded = 8;
	const lastColon = text.lastIndexOf(':');
	const tail = text.slice(lastColon + 1);
	if (tail.includes('.')) {
		if (!/^(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)$/.test(tail))
			return false;
		text = text.slice(0, lastColon + 1) + '0';
		groupsNeeded = 7;
	}
	const parts = text.split('::');
	if (parts.length > 2) return false;
	const groups = (p: string) => (p === '' ? [] : p.split(':'));
	const head = groups(parts[0]);
	const rest = parts.length === 2 ? groups(parts[1]) : [];
	const all = [...head, ...rest];
	if (!all.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return false;
	return parts.length === 2 ? all.length < groupsNeeded : all.length === groupsNeeded;
}
