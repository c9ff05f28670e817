/**
 * Writes the labelled security evaluation sets to bench/security/*.jsonl:
 *   injection.jsonl  {id, text, label: 0|1, group, split}
 *   pii.jsonl        {id, text, entities: [{type, start, end}], group, split}
 *   secrets.jsonl    {id, text, secrets: [{type, start, end}], group, split}
 * Seeded, so the files are reproducible. The split is by seed text or template (`group`), never
 * by row, so the held-out `test` rows use phrasings and templates the rules and the learned
 * score were not fitted on. Run: npx tsx scripts/security/make-eval-sets.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { mulberry32 } from '../../src/lib/core/util/prng';
import { ATTACKS, BENIGN, HARD_NEGATIVES } from './injection-seeds';
import { PII_HANDWRITTEN, SECRETS_HANDWRITTEN } from './pii-handwritten';

const rand = mulberry32(20250614);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));

/** Held-out split by group name: about 30% of groups are `test`. */
function splitOf(group: string): 'train' | 'test' {
	let h = 2166136261;
	for (let i = 0; i < group.length; i++) h = Math.imul(h ^ group.charCodeAt(i), 16777619);
	return (h >>> 0) % 10 < 3 ? 'test' : 'train';
}

// ---------------------------------------------------------------- injection
const CARRIERS: [string, string][] = [
	[
		'Summarize this customer review:\n\n"I bought the blender in March. It is loud but powerful. ',
		' Overall I would give it four stars."'
	],
	[
		'Please answer the user based on this web page:\n\nWelcome to Sunny Tours! We offer day trips along the coast. ',
		'\nBooking is possible online or by phone.'
	],
	['Translate the following email into English:\n\n', '\n\nBest regards, the team'],
	[
		'Extract the action items from these meeting notes:\n- Budget review moved to Thursday\n- ',
		'\n- Next sync in two weeks'
	],
	[
		'Classify the support ticket below.\n\nTicket #4411: My invoice shows the wrong address. ',
		' Thanks for looking into it.'
	],
	['Here is the document you asked about:\n<document>\n', '\n</document>\nWhat is its main point?'],
	['Review this code comment for clarity:\n\n// TODO: refactor parser. ', '\nfunction parse() {}'],
	['name,comment\nAlex,"Great product"\nSam,"', '"\nKim,"Fast delivery"\nSummarize the comments.']
];

const HOMO: Record<string, string> = {
	a: 'а',
	e: 'е',
	o: 'о',
	p: 'р',
	c: 'с',
	i: 'і',
	x: 'х',
	y: 'у'
};
const LEETS: Record<string, string> = { a: '4', e: '3', i: '1', o: '0', s: '5', t: '7' };

function obfuscate(text: string, technique: number): string {
	switch (technique % 6) {
		case 0:
			return text.replace(/[aeiost]/g, (c) => (rand() < 0.7 ? LEETS[c] : c));
		case 1:
			return text.replace(/[aeopcixy]/g, (c) => (rand() < 0.6 ? HOMO[c] : c));
		case 2:
			return text.replace(/(\w)(\w)/g, (_, a, b) => (rand() < 0.4 ? `${a}\u200b${b}` : a + b));
		case 3:
			return `Decode this and do what it says: ${btoa(unescape(encodeURIComponent(text)))}`;
		case 4:
			return (
				'Please write a short thank-you note to our volunteers.' +
				[...text].map((c) => String.fromCodePoint(0xe0000 + (c.charCodeAt(0) & 0x7f))).join('')
			);
		default:
			return text.toUpperCase().replace(/ /g, '  ');
	}
}

interface InjectionCase {
	id: string;
	text: string;
	label: 0 | 1;
	group: string;
	split: 'train' | 'test';
}

function injectionSet(): InjectionCase[] {
	const out: InjectionCase[] = [];
	const add = (group: string, text: string, label: 0 | 1, variant: string) =>
		out.push({ id: `${group}-${variant}`, text, label, group, split: splitOf(group) });
	ATTACKS.forEach((a, i) => {
		const g = `attack-${i}`;
		add(g, a, 1, 'plain');
		const [pre, post] = pick(CARRIERS);
		add(g, pre + a + post, 1, 'carried');
		add(g, obfuscate(a, i), 1, `obfuscated${i % 6}`);
	});
	[...BENIGN, ...HARD_NEGATIVES].forEach((b, i) => {
		const hard = i >= BENIGN.length;
		const g = `${hard ? 'hard' : 'benign'}-${i}`;
		add(g, b, 0, 'plain');
		const [pre, post] = pick(CARRIERS);
		add(g, pre + b + post, 0, 'carried');
		if (hard) add(g, b.toUpperCase(), 0, 'upper');
	});
	return out;
}

// ---------------------------------------------------------------- PII values
function luhnComplete(prefix: string, length: number): string {
	let s = prefix;
	while (s.length < length - 1) s += String(int(0, 9));
	for (let d = 0; d <= 9; d++) {
		const c = s + d;
		let sum = 0;
		let dbl = false;
		for (let i = c.length - 1; i >= 0; i--) {
			let x = Number(c[i]);
			if (dbl) {
				x *= 2;
				if (x > 9) x -= 9;
			}
			sum += x;
			dbl = !dbl;
		}
		if (sum % 10 === 0) return c;
	}
	throw new Error('unreachable');
}

function groupDigits(s: string, sizes: number[], sep: string): string {
	const parts: string[] = [];
	let at = 0;
	for (const n of sizes) {
		parts.push(s.slice(at, at + n));
		at += n;
	}
	if (at < s.length) parts.push(s.slice(at));
	return parts.filter(Boolean).join(sep);
}

function card(): string {
	const kind = int(0, 3);
	const sep = pick(['', ' ', '-']);
	if (kind === 0) return groupDigits(luhnComplete('4' + int(0, 9), 16), [4, 4, 4, 4], sep);
	if (kind === 1) return groupDigits(luhnComplete(String(int(51, 55)), 16), [4, 4, 4, 4], sep);
	if (kind === 2) return groupDigits(luhnComplete(pick(['34', '37']), 15), [4, 6, 5], sep);
	return groupDigits(luhnComplete('6011', 16), [4, 4, 4, 4], sep);
}

function badCard(): string {
	const good = luhnComplete('4' + int(0, 9), 16);
	const last = (Number(good[15]) + int(1, 9)) % 10;
	return groupDigits(good.slice(0, 15) + last, [4, 4, 4, 4], ' ');
}

const IBAN_SPECS: [string, number][] = [
	['DE', 22],
	['FR', 27],
	['ES', 24],
	['GB', 22],
	['NL', 18],
	['IT', 27],
	['BE', 16],
	['AT', 20]
];

function mod97(s: string): number {
	let r = 0;
	for (const ch of s) {
		const v = /[A-Z]/.test(ch) ? String(ch.charCodeAt(0) - 55) : ch;
		for (const d of v) r = (r * 10 + Number(d)) % 97;
	}
	return r;
}

function iban(valid = true): string {
	const [cc, len] = pick(IBAN_SPECS);
	let bban = '';
	const letters = cc === 'GB' || cc === 'NL' ? 4 : cc === 'IT' ? 1 : 0;
	for (let i = 0; i < letters; i++) bban += String.fromCharCode(65 + int(0, 25));
	while (bban.length < len - 4) bban += String(int(0, 9));
	let check = 98 - mod97(bban + cc + '00');
	if (!valid) check = (check % 97) + 1;
	const s = cc + String(check).padStart(2, '0') + bban;
	return rand() < 0.5 ? s : s.replace(/(.{4})/g, '$1 ').trim();
}

function ssn(valid = true): string {
	if (!valid) {
		const bad = pick(['000', '666', String(int(900, 999))]);
		return `${bad}-${String(int(10, 99))}-${String(int(1000, 9999))}`;
	}
	let area = int(1, 899);
	if (area === 666) area = 665;
	return `${String(area).padStart(3, '0')}-${String(int(1, 99)).padStart(2, '0')}-${String(int(1, 9999)).padStart(4, '0')}`;
}

function nino(): string {
	const first = 'ABCEGHJKLMNPRSTWXYZ';
	const second = 'ABCEGHJKLMNPRSTWXYZ';
	let p = pick([...first]) + pick([...second]);
	while (['BG', 'GB', 'KN', 'NK', 'NT', 'TN', 'ZZ'].includes(p))
		p = pick([...first]) + pick([...second]);
	const d = () => String(int(10, 99));
	return rand() < 0.5
		? `${p}${d()}${d()}${d()}${pick(['A', 'B', 'C', 'D'])}`
		: `${p} ${d()} ${d()} ${d()} ${pick(['A', 'B', 'C', 'D'])}`;
}

function nif(): string {
	const n = int(10000000, 99999999);
	return `${n}${'TRWAGMYFPDXBNJZSQVHLCKE'[n % 23]}`;
}

function nie(): string {
	const p = int(0, 2);
	const n = int(1000000, 9999999);
	return `${'XYZ'[p]}${n}${'TRWAGMYFPDXBNJZSQVHLCKE'[Number(String(p) + n) % 23]}`;
}

function hetu(): string {
	const dd = String(int(1, 28)).padStart(2, '0');
	const mm = String(int(1, 12)).padStart(2, '0');
	const yy = String(int(0, 99)).padStart(2, '0');
	const zzz = String(int(2, 899)).padStart(3, '0');
	const c = '0123456789ABCDEFHJKLMNPRSTUVWXY'[Number(dd + mm + yy + zzz) % 31];
	return `${dd}${mm}${yy}${pick(['-', 'A'])}${zzz}${c}`;
}

function pesel(): string {
	const s =
		String(int(50, 99)) +
		String(int(1, 12)).padStart(2, '0') +
		String(int(1, 28)).padStart(2, '0') +
		String(int(0, 9999)).padStart(4, '0');
	const w = [1, 3, 7, 9, 1, 3, 7, 9, 1, 3];
	let sum = 0;
	for (let i = 0; i < 10; i++) sum += Number(s[i]) * w[i];
	return s + ((10 - (sum % 10)) % 10);
}

function nhs(): string {
	for (;;) {
		const s = String(int(100000000, 999999999));
		let sum = 0;
		for (let i = 0; i < 9; i++) sum += Number(s[i]) * (10 - i);
		let c = 11 - (sum % 11);
		if (c === 11) c = 0;
		if (c === 10) continue;
		return `${s.slice(0, 3)} ${s.slice(3, 6)} ${s.slice(6)}${c}`;
	}
}

const FIRST = [
	'Maria',
	'James',
	'Sophie',
	'Lukas',
	'Camille',
	'Javier',
	'Emma',
	'Daniel',
	'Lena',
	'Pablo',
	'Olivia',
	'Thomas',
	'Chloe',
	'Carlos',
	'Anna',
	'Peter'
];
const LAST = [
	'Schneider',
	'Garcia',
	'Dubois',
	'Thompson',
	'Rossi',
	'Kowalski',
	'Martin',
	'Fernandez',
	'Weber',
	'Clarke',
	'Moreau',
	'Navarro'
];
const person = () => `${pick(FIRST)} ${pick(LAST)}`;
const DOMAINS = [
	'example.com',
	'mail.example.org',
	'contoso.de',
	'acme.co.uk',
	'correo.example.es'
];
const email = () =>
	`${pick(FIRST).toLowerCase()}${pick(['.', '_', ''])}${pick(LAST).toLowerCase()}${rand() < 0.3 ? int(1, 99) : ''}@${pick(DOMAINS)}`;
const phone = () =>
	pick([
		`+1 (${pick(['201', '212', '303', '312', '415', '617', '646', '702', '718', '805'])}) ${int(200, 999)}-${int(1000, 9999)}`,
		`(${pick(['415', '212', '617', '303'])}) ${int(200, 999)}-${int(1000, 9999)}`,
		`+44 20 7${int(100, 999)} ${int(1000, 9999)}`,
		`+49 30 ${int(1000000, 9999999)}`,
		`+33 1 ${int(10, 99)} ${int(10, 99)} ${int(10, 99)} ${int(10, 99)}`,
		`+34 91 ${int(100, 999)} ${int(10, 99)} ${int(10, 99)}`
	]);
const ipv4 = () => `${int(11, 223)}.${int(0, 255)}.${int(0, 255)}.${int(1, 254)}`;
const ipv6 = () =>
	pick([
		`2001:db8:${int(1, 0xffff).toString(16)}::${int(1, 0xffff).toString(16)}`,
		`fe80::${int(1, 0xffff).toString(16)}:${int(1, 0xffff).toString(16)}:${int(1, 0xffff).toString(16)}:${int(1, 0xffff).toString(16)}`
	]);
const mac = () =>
	Array.from({ length: 6 }, () => int(0, 255).toString(16).padStart(2, '0').toUpperCase()).join(
		pick([':', '-'])
	);
const url = () =>
	`https://${pick(['portal', 'www', 'shop', 'intranet'])}.${pick(DOMAINS)}/${pick(['account', 'orders', 'profile'])}/${int(1000, 99999)}`;
const date = () =>
	pick([
		`${int(1950, 2005)}-${String(int(1, 12)).padStart(2, '0')}-${String(int(1, 28)).padStart(2, '0')}`,
		`${int(1, 28)} ${pick(['March', 'July', 'October', 'January'])} ${int(1950, 2005)}`,
		`${pick(['April', 'June', 'September', 'December'])} ${int(1, 28)}, ${int(1950, 2005)}`,
		`${String(int(1, 28)).padStart(2, '0')}.${String(int(1, 12)).padStart(2, '0')}.${int(1950, 2005)}`
	]);
const street = () =>
	pick([
		`${int(1, 999)} ${pick(['Maple', 'Oak', 'Elm', 'Cedar', 'Sunset'])} ${pick(['Street', 'Avenue', 'Road', 'Lane', 'Drive'])}`,
		pick([
			`${pick(['Haupt', 'Linden', 'Garten'])}${pick(['straße', 'weg', 'allee'])} ${int(1, 120)}`,
			`Berliner ${pick(['Straße', 'Weg', 'Allee'])} ${int(1, 120)}`
		]),
		`${int(1, 99)} rue de ${pick(['Rivoli', 'la Paix', 'Lyon', 'Provence'])}`,
		`Calle ${pick(['Mayor', 'Alcalá', 'Serrano', 'Toledo'])} ${int(1, 200)}`
	]);
const BTC = [
	'1BoatSLRHtKNngkdXEeobR76b53LETtpyT',
	'3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy',
	'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq',
	'1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa',
	'bc1p5d7rjq7g6rdk2yhzks9smlaqtedr4dekq08ge8ztwac72sfr9rusxg3297'
];
const ETH = [
	'0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed',
	'0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359',
	'0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB',
	'0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb'
];
const crypto = () => (rand() < 0.6 ? pick(BTC) : pick(ETH));

const GEN: Record<string, () => string> = {
	EMAIL_ADDRESS: email,
	PHONE_NUMBER: phone,
	CREDIT_CARD: card,
	IBAN_CODE: () => iban(),
	US_SSN: () => ssn(),
	UK_NINO: nino,
	UK_NHS: nhs,
	ES_NIF: nif,
	ES_NIE: nie,
	PL_PESEL: pesel,
	FI_PERSONAL_IDENTITY_CODE: hetu,
	IP_ADDRESS: () => (rand() < 0.7 ? ipv4() : ipv6()),
	MAC_ADDRESS: mac,
	URL: url,
	CRYPTO: crypto,
	DATE_TIME: date,
	PERSON: person,
	STREET_ADDRESS: street
};

/** Templates: `{TYPE}` slots are filled and labelled; everything else is not PII. */
const PII_TEMPLATES: string[] = [
	'Please reply to the customer at {EMAIL_ADDRESS} about the refund.',
	'Contact: {PERSON}, phone {PHONE_NUMBER}, email {EMAIL_ADDRESS}.',
	'The payment failed for card {CREDIT_CARD}. Ask the client to try again.',
	'Wire the deposit to IBAN {IBAN_CODE} before the end of the month.',
	'Employee record - SSN: {US_SSN}, start date next Monday.',
	'My national insurance number is {UK_NINO}, can you check my tax code?',
	'NHS number {UK_NHS} - patient asked for a copy of the referral letter.',
	'DNI del cliente: {ES_NIF}. Necesita una factura corregida.',
	'El NIE del solicitante es {ES_NIE} y vive en {STREET_ADDRESS}.',
	'Numer PESEL pacjenta: {PL_PESEL}.',
	'Henkilötunnus {FI_PERSONAL_IDENTITY_CODE} on lomakkeessa.',
	'The login came from {IP_ADDRESS} at midnight; block it if it happens again.',
	'Device with MAC address {MAC_ADDRESS} keeps dropping off the network.',
	'Her profile is at {URL} if you need the details.',
	'Send the donation to {CRYPTO} and confirm once it arrives.',
	'Patient {PERSON} was born on {DATE_TIME} and lives at {STREET_ADDRESS}.',
	'Dear {PERSON}, your appointment is confirmed. Call {PHONE_NUMBER} to change it.',
	'Write a reminder for {PERSON} ({EMAIL_ADDRESS}) that the invoice is overdue.',
	'Customer: {PERSON}\nCard: {CREDIT_CARD}\nBilling address: {STREET_ADDRESS}',
	'Bitte überweise den Betrag auf {IBAN_CODE} und schicke die Bestätigung an {EMAIL_ADDRESS}.',
	'Merci de rappeler {PERSON} au {PHONE_NUMBER} avant vendredi.',
	'Summarize this ticket: user {EMAIL_ADDRESS} says card {CREDIT_CARD} was charged twice.',
	'The server {IP_ADDRESS} and the router {MAC_ADDRESS} need new firmware.',
	'Translate to German: "My name is {PERSON} and my phone number is {PHONE_NUMBER}."',
	'Fill the form: name {PERSON}, date of birth {DATE_TIME}, SSN {US_SSN}.',
	'Refund to IBAN {IBAN_CODE} for order placed by {EMAIL_ADDRESS}.',
	'Mr. {PERSON} asked us to delete his data; his email is {EMAIL_ADDRESS}.',
	'Shipping to {STREET_ADDRESS}; courier will call {PHONE_NUMBER}.',
	'ETH or BTC is fine: {CRYPTO}. Questions to {EMAIL_ADDRESS}.',
	'Access logs show {IP_ADDRESS} requesting {URL} repeatedly.',
	'Write a polite note to {PERSON} confirming the meeting.',
	'Her date of birth: {DATE_TIME}. Her NINO: {UK_NINO}.',
	'Paga con la tarjeta {CREDIT_CARD} y envía el recibo a {EMAIL_ADDRESS}.',
	'Kundennummer ist intern; Kontakt per {PHONE_NUMBER} oder {EMAIL_ADDRESS}.',
	'Check whether {CREDIT_CARD} or {IBAN_CODE} was used for the subscription.',
	'Forward the contract to {EMAIL_ADDRESS} and cc {EMAIL_ADDRESS}.'
];

/** Look-alikes that are not PII (or not valid identifiers). */
function piiNegative(i: number): string {
	const negs = [
		() => `Order number ${int(10000000, 99999999)} shipped on time.`,
		() =>
			`Invoice ${int(100000, 999999)}-${int(10, 99)} totals ${int(10, 999)}.${int(10, 99)} EUR.`,
		() => `The test card ${badCard()} fails the checksum on purpose.`,
		() => `Reference IBAN-like code ${iban(false)} is invalid and must be rejected.`,
		() => `Sample SSN ${ssn(false)} is never issued.`,
		() => `Version ${int(1, 9)}.${int(0, 20)}.${int(0, 99)} fixes the parser bug.`,
		() => `The build took ${int(2, 59)} minutes and ${int(1, 59)} seconds.`,
		() =>
			`ISBN 978-${int(0, 1)}-${int(100, 999)}-${int(10000, 99999)}-${int(0, 9)} is out of print.`,
		() =>
			`Use the SHA ${Array.from({ length: 40 }, () => '0123456789abcdef'[int(0, 15)]).join('')} for the release.`,
		() => `The meeting room fits ${int(4, 40)} people and has ${int(1, 3)} screens.`,
		() =>
			`Temperature readings: ${int(10, 30)}.${int(0, 9)}, ${int(10, 30)}.${int(0, 9)}, ${int(10, 30)}.${int(0, 9)} degrees.`,
		() =>
			`Product code ${pick(['AB', 'XC', 'QT'])}-${int(1000, 9999)}-${pick(['Z', 'Y'])} is discontinued.`,
		() =>
			`Chapter ${int(1, 30)} covers sections ${int(1, 9)}.${int(1, 9)} to ${int(1, 9)}.${int(1, 9)}.`,
		() => `The population grew by ${int(1, 9)},${int(100, 999)},${int(100, 999)} in ten years.`,
		() => 'Write a story about a dragon who collects teapots.',
		() => 'Explain how IBAN check digits are computed, with a short example of the algorithm.',
		() => 'Summarize the plot of Pride and Prejudice in two sentences.',
		() => 'The Great Wall of China is visible from low orbit under good conditions, some say.',
		() => `Set the timeout to ${int(1000, 60000)} ms and retries to ${int(1, 5)}.`,
		() => `UUID ${crypto32()} identifies the job.`,
		() =>
			`Coordinates ${int(10, 60)}.${int(1000, 9999)}, ${int(1, 30)}.${int(1000, 9999)} mark the trailhead.`,
		() => 'New York City has five boroughs; Brooklyn is the most populous.',
		() => `Call the function with retry=${int(1, 5)} and port ${int(1024, 65535)}.`,
		() => 'Thank you for your feedback! We will get back to you within two business days.'
	];
	return negs[i % negs.length]();
}

function crypto32(): string {
	const h = () => int(0, 0xffff).toString(16).padStart(4, '0');
	return `${h()}${h()}-${h()}-4${h().slice(1)}-a${h().slice(1)}-${h()}${h()}${h()}`;
}

interface Span {
	type: string;
	start: number;
	end: number;
}

function fill(
	template: string,
	gen: Record<string, () => string>
): { text: string; spans: Span[] } {
	let text = '';
	const spans: Span[] = [];
	let at = 0;
	for (const m of template.matchAll(/\{([A-Z_0-9]+)\}/g)) {
		text += template.slice(at, m.index);
		const value = gen[m[1]]();
		spans.push({ type: m[1], start: text.length, end: text.length + value.length });
		text += value;
		at = m.index + m[0].length;
	}
	text += template.slice(at);
	return { text, spans };
}

/** Strips `[[TYPE:value]]` marks, recording each value's span. */
function unmark(marked: string): { text: string; spans: Span[] } {
	let text = '';
	const spans: Span[] = [];
	let at = 0;
	for (const m of marked.matchAll(/\[\[([A-Z_0-9]+):([^\]]+)\]\]/g)) {
		text += marked.slice(at, m.index);
		spans.push({ type: m[1], start: text.length, end: text.length + m[2].length });
		text += m[2];
		at = m.index + m[0].length;
	}
	return { text: text + marked.slice(at), spans };
}

function piiSet() {
	const out: { id: string; text: string; entities: Span[]; group: string; split: string }[] = [];
	PII_TEMPLATES.forEach((t, i) => {
		const g = `pii-template-${i}`;
		for (let k = 0; k < 9; k++) {
			const { text, spans } = fill(t, GEN);
			out.push({ id: `${g}-${k}`, text, entities: spans, group: g, split: splitOf(g) });
		}
	});
	// Free-form cases written after the recognizers: all held out.
	PII_HANDWRITTEN.forEach((marked, i) => {
		const { text, spans } = unmark(marked);
		out.push({
			id: `pii-handwritten-${i}`,
			text,
			entities: spans,
			group: 'handwritten',
			split: 'test'
		});
	});
	for (let i = 0; i < 120; i++) {
		const g = `pii-negative-${i % 24}`;
		out.push({
			id: `pii-negative-${i}`,
			text: piiNegative(i),
			entities: [],
			group: g,
			split: splitOf(g)
		});
	}
	return out;
}

// ---------------------------------------------------------------- secrets
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const rnd = (n: number, alphabet = ALNUM) =>
	Array.from({ length: n }, () => alphabet[int(0, alphabet.length - 1)]).join('');
const HEX = '0123456789abcdef';

const SECRET_GEN: Record<string, () => string> = {
	AWS_ACCESS_KEY_ID: () => 'AKIA' + rnd(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'),
	GITHUB_TOKEN: () => pick(['ghp_', 'gho_', 'ghs_']) + rnd(36),
	GITLAB_TOKEN: () => 'glpat-' + rnd(20),
	SLACK_TOKEN: () =>
		`xoxb-${int(100000000, 999999999)}${int(100, 999)}-${int(100000000, 999999999)}${int(1000, 9999)}-${rnd(24)}`,
	STRIPE_KEY: () => pick(['sk_live_', 'rk_live_']) + rnd(24),
	GOOGLE_API_KEY: () => 'AIza' + rnd(35, ALNUM + '_-'),
	OPENAI_API_KEY: () => pick(['sk-proj-', 'sk-']) + rnd(20) + 'T3BlbkFJ' + rnd(20),
	ANTHROPIC_API_KEY: () => 'sk-ant-api03-' + rnd(93, ALNUM + '_-') + 'AA',
	HUGGINGFACE_TOKEN: () => 'hf_' + rnd(34),
	NPM_TOKEN: () => 'npm_' + rnd(36),
	SENDGRID_API_KEY: () => `SG.${rnd(22, ALNUM + '_-')}.${rnd(43, ALNUM + '_-')}`,
	JWT: () =>
		`${btoa('{"alg":"HS256","typ":"JWT"}').replace(/=+$/, '')}.${btoa(`{"sub":"${int(1000, 9999)}","name":"user","iat":${int(1600000000, 1700000000)}}`).replace(/=+$/, '')}.${rnd(43, ALNUM + '_-')}`,
	PRIVATE_KEY: () =>
		`-----BEGIN RSA PRIVATE KEY-----\n${rnd(64, ALNUM + '+/')}\n${rnd(64, ALNUM + '+/')}\n${rnd(40, ALNUM + '+/')}=\n-----END RSA PRIVATE KEY-----`,
	URL_CREDENTIALS: () => rnd(12) + int(10, 99),
	GENERIC_SECRET: () => rnd(int(14, 28)) + int(10, 99),
	AWS_SECRET_ACCESS_KEY: () => rnd(40, ALNUM + '/+'),
	TWILIO_API_KEY: () => 'SK' + rnd(32, HEX)
};

const SECRET_TEMPLATES: string[] = [
	'Use this key to call the API: {OPENAI_API_KEY}',
	'export GITHUB_TOKEN={GITHUB_TOKEN}',
	'My AWS access key is {AWS_ACCESS_KEY_ID}, why does S3 return 403?',
	'aws_secret_access_key = {AWS_SECRET_ACCESS_KEY}',
	'Why does Slack reject my bot token {SLACK_TOKEN}?',
	'stripe.api_key = "{STRIPE_KEY}"',
	'const maps = new Client({ key: "{GOOGLE_API_KEY}" });',
	'ANTHROPIC_API_KEY={ANTHROPIC_API_KEY}',
	'HF_TOKEN: {HUGGINGFACE_TOKEN}',
	'//registry.npmjs.org/:_authToken={NPM_TOKEN}',
	'sendgrid key: {SENDGRID_API_KEY} (please rotate it)',
	'curl -H "Authorization: Bearer {JWT}" https://api.example.com/me',
	'Debug this deploy key:\n{PRIVATE_KEY}',
	'DATABASE_URL=postgres://admin:{URL_CREDENTIALS}@db.internal.example:5432/app',
	'password: "{GENERIC_SECRET}"',
	'git clone https://oauth2:{GITLAB_TOKEN}@gitlab.example.com/team/repo.git',
	'The Twilio key {TWILIO_API_KEY} stopped working yesterday.',
	'config = {"client_secret": "{GENERIC_SECRET}", "region": "eu-west-1"}',
	'Here is my .env file:\nOPENAI_API_KEY={OPENAI_API_KEY}\nDEBUG=true',
	'Can you check why {GITHUB_TOKEN} has no repo scope?',
	'mongodb://app_user:{URL_CREDENTIALS}@cluster0.example.net/prod',
	'api_key={GENERIC_SECRET}&format=json'
];

const SECRET_NEGATIVES: (() => string)[] = [
	() => 'export OPENAI_API_KEY=sk-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
	() => 'Set api_key = "YOUR_API_KEY" in config.yaml before running.',
	() =>
		'AWS example key: AKIAIOSFODNN7EXAMPLE with secret wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
	() => 'Authorization: Bearer <token>',
	() => 'password: ********',
	() => 'const key = process.env.STRIPE_SECRET_KEY;',
	() => 'OPENAI_API_KEY=${OPENAI_API_KEY}',
	() => `The commit ${rnd(40, HEX)} introduced the regression.`,
	() => `sha256: ${rnd(64, HEX)}`,
	() => `request id ${crypto32()} failed with status 500`,
	() => 'Use the token {{ api_token }} from the vault.',
	() => 'postgres://user:password@localhost:5432/db is the local default.',
	() => 'The password must be at least 12 characters and include a number.',
	() => 'Rotate your GitHub tokens every 90 days; they start with ghp_.',
	() => 'What is the difference between an API key and an OAuth token?',
	() => `Image data: data:image/png;base64,${btoa(rnd(30))}`,
	() => 'token = get_token()',
	() => 'secret_key = os.environ["SECRET_KEY"]',
	() => `The build ${rnd(7, HEX)} passed all checks.`,
	() => 'api_key: required (string) - your key from the dashboard',
	() => 'password=changeme',
	() => 'Stripe keys look like sk_live_... and must never be committed.',
	() => `Order reference: ORD-${int(100000, 999999)}-${rnd(6).toUpperCase()}`,
	() => 'JWTs have three parts separated by dots: header.payload.signature.',
	() => 'hf_hub_download(repo_id="bert-base-uncased", filename="config.json")',
	() => 'The function name is generateSecretKeyPair and it returns a promise.',
	() => `session cookie name: sid, max age ${int(1000, 9000)} seconds`,
	() => 'Summarize the following article about password managers.',
	() => 'BEGIN PRIVATE KEY blocks should be stored in a secrets manager, not in prompts.',
	() => `${pick(['Visit', 'See'])} https://docs.example.com/auth/tokens for the token format.`
];

function secretSet() {
	const out: { id: string; text: string; secrets: Span[]; group: string; split: string }[] = [];
	SECRET_TEMPLATES.forEach((t, i) => {
		const g = `secret-template-${i}`;
		for (let k = 0; k < 12; k++) {
			const { text, spans } = fill(t, SECRET_GEN);
			out.push({ id: `${g}-${k}`, text, secrets: spans, group: g, split: splitOf(g) });
		}
	});
	SECRETS_HANDWRITTEN.forEach((marked, i) => {
		const { text, spans } = unmark(marked);
		out.push({
			id: `secret-handwritten-${i}`,
			text,
			secrets: spans,
			group: 'handwritten',
			split: 'test'
		});
	});
	SECRET_NEGATIVES.forEach((n, i) => {
		const g = `secret-negative-${i}`;
		for (let k = 0; k < 6; k++)
			out.push({ id: `${g}-${k}`, text: n(), secrets: [], group: g, split: splitOf(g) });
	});
	return out;
}

mkdirSync('bench/security', { recursive: true });
const write = (name: string, all: object[]) => {
	// Fixed texts drawn more than once are kept once.
	const seen = new Set<string>();
	const rows = all.filter((r) => {
		const t = (r as { text: string }).text;
		if (seen.has(t)) return false;
		seen.add(t);
		return true;
	});
	writeFileSync(`bench/security/${name}`, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
	const test = rows.filter((r) => (r as { split: string }).split === 'test').length;
	console.log(`${name}: ${rows.length} cases (${test} held out)`);
};
write('injection.jsonl', injectionSet());
write('pii.jsonl', piiSet());
write('secrets.jsonl', secretSet());
