import { describe, expect, it } from 'vitest';
import { scanPii } from './pii';
import {
	base58CheckValid,
	bech32Valid,
	cardIssuer,
	ethereumAddressCheck,
	finnishIdValid,
	ibanValid,
	ipv6Valid,
	italianFiscalCodeValid,
	luhnValid,
	nhsValid,
	peselValid,
	spanishIdValid,
	ssnValid
} from './pii-validators';

describe('validators', () => {
	it('Luhn and issuer ranges', () => {
		expect(luhnValid('4111111111111111')).toBe(true);
		expect(luhnValid('4111111111111112')).toBe(false);
		expect(cardIssuer('4111111111111111')).toBe('visa');
		expect(cardIssuer('5500000000000004')).toBe('mastercard');
		expect(cardIssuer('2221000000000009')).toBe('mastercard');
		expect(cardIssuer('378282246310005')).toBe('amex');
		expect(cardIssuer('6011111111111117')).toBe('discover');
		expect(cardIssuer('1234567812345670')).toBeNull();
	});

	it('IBAN country length and mod-97', () => {
		expect(ibanValid('DE89 3704 0044 0532 0130 00')).toBe(true);
		expect(ibanValid('GB82WEST12345698765432')).toBe(true);
		expect(ibanValid('GB82WEST1234569876543')).toBe(false);
		expect(ibanValid('DE89370400440532013001')).toBe(false);
		expect(ibanValid('QQ89370400440532013000')).toBe(false);
	});

	it('US SSN invalid ranges and sample numbers', () => {
		expect(ssnValid('536221234')).toBe(true);
		for (const bad of [
			'000221234',
			'666221234',
			'936221234',
			'536001234',
			'536220000',
			'078051120'
		])
			expect(ssnValid(bad)).toBe(false);
	});

	it('national ids: NHS, NIF/NIE, codice fiscale, PESEL, HETU', () => {
		expect(nhsValid('9434765919')).toBe(true);
		expect(nhsValid('9434765918')).toBe(false);
		expect(spanishIdValid('12345678Z')).toBe(true);
		expect(spanishIdValid('12345678A')).toBe(false);
		expect(spanishIdValid('X1234567L')).toBe(true);
		expect(italianFiscalCodeValid('RSSMRA85T10A562S')).toBe(true);
		expect(italianFiscalCodeValid('RSSMRA85T10A562T')).toBe(false);
		expect(peselValid('44051401359')).toBe(true);
		expect(peselValid('44051401358')).toBe(false);
		expect(finnishIdValid('131052-308T')).toBe(true);
		expect(finnishIdValid('131052-308U')).toBe(false);
	});

	it('crypto addresses: base58check, bech32/bech32m, EIP-55', () => {
		expect(base58CheckValid('1BoatSLRHtKNngkdXEeobR76b53LETtpyT')).toBe(true);
		expect(base58CheckValid('1BoatSLRHtKNngkdXEeobR76b53LETtpyU')).toBe(false);
		expect(bech32Valid('bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq')).toBe(true);
		expect(bech32Valid('bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdr')).toBe(false);
		expect(ethereumAddressCheck('0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed')).toBe('checksummed');
		expect(ethereumAddressCheck('0x5aaeb6053F3E94C9b9A09f33669435E7Ef1BeAed')).toBe('invalid');
		expect(ethereumAddressCheck('0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed')).toBe('unchecked');
	});

	it('IPv6 forms', () => {
		expect(ipv6Valid('2001:db8::ff00:42:8329')).toBe(true);
		expect(ipv6Valid('::ffff:192.0.2.128')).toBe(true);
		expect(ipv6Valid('1:2:3:4:5:6:7:8:9')).toBe(false);
		expect(ipv6Valid('12:30:45')).toBe(false);
	});
});

const found = (text: string) =>
	scanPii(text).map((f) => [f.type, text.slice(f.start, f.end)] as const);

describe('scanPii', () => {
	it('finds each entity with Presidio names and exact spans', () => {
		const text =
			'Dr. Jane Miller <jane.miller@example.com>, +1 (415) 555-2671, card 4111-1111-1111-1111, ' +
			'IBAN GB82 WEST 1234 5698 7654 32, SSN 536-22-1234, NINO AB 12 34 56 C, host 10.1.2.3, ' +
			'mac 00:1A:2B:3C:4D:5E, BTC 1BoatSLRHtKNngkdXEeobR76b53LETtpyT, born 1990-04-12, ' +
			'lives at 221 Baker Street.';
		expect(found(text)).toEqual([
			['PERSON', 'Jane Miller'],
			['EMAIL_ADDRESS', 'jane.miller@example.com'],
			['PHONE_NUMBER', '+1 (415) 555-2671'],
			['CREDIT_CARD', '4111-1111-1111-1111'],
			['IBAN_CODE', 'GB82 WEST 1234 5698 7654 32'],
			['US_SSN', '536-22-1234'],
			['UK_NINO', 'AB 12 34 56 C'],
			['IP_ADDRESS', '10.1.2.3'],
			['MAC_ADDRESS', '00:1A:2B:3C:4D:5E'],
			['CRYPTO', '1BoatSLRHtKNngkdXEeobR76b53LETtpyT'],
			['DATE_TIME', '1990-04-12'],
			['STREET_ADDRESS', '221 Baker Street']
		]);
	});

	it('European ids, with offsets in UTF-16 units after astral characters', () => {
		const text = '😀 DNI 12345678Z, CF RSSMRA85T10A562S, HETU 131052-308T';
		expect(found(text)).toEqual([
			['ES_NIF', '12345678Z'],
			['IT_FISCAL_CODE', 'RSSMRA85T10A562S'],
			['FI_PERSONAL_IDENTITY_CODE', '131052-308T']
		]);
	});

	it('needs context for weak ids (NHS, PESEL, bare SSN digits)', () => {
		expect(found('ref 943 476 5919')).toEqual([['PHONE_NUMBER', '943 476 5919']]);
		expect(found('NHS number 943 476 5919')).toEqual([['UK_NHS', '943 476 5919']]);
		expect(found('id 536221234')).toEqual([]);
		expect(found('SSN: 536221234')).toEqual([['US_SSN', '536221234']]);
	});

	it.each([
		'The test card 4111 1111 1111 1112 fails the checksum.',
		'Sample SSN 666-12-3456 is never issued.',
		'Invalid IBAN DE89 3704 0044 0532 0130 01 must be rejected.',
		'Order number 84736251 shipped; version 2.4.1 is live.',
		'Use the SHA 3f786850e387550fdab836ed7e6dc881de23001b for the release.'
	])('no PII in %s', (text) => {
		expect(found(text)).toEqual([]);
	});
});
