/**
 * @module PII recognizers with Presidio's entity names: patterns find candidates, validators
 * (checksums, ranges, libphonenumber-js) confirm them, words nearby raise the score.
 */
import { findPhoneNumbersInText, type CountryCode } from 'libphonenumber-js';
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
import type { Finding, Severity } from './types';

/** Presidio entity names this scanner recognises. */
export const PII_ENTITIES = [
	'EMAIL_ADDRESS',
	'PHONE_NUMBER',
	'CREDIT_CARD',
	'IBAN_CODE',
	'US_SSN',
	'UK_NINO',
	'UK_NHS',
	'ES_NIF',
	'ES_NIE',
	'IT_FISCAL_CODE',
	'PL_PESEL',
	'FI_PERSONAL_IDENTITY_CODE',
	'IP_ADDRESS',
	'MAC_ADDRESS',
	'URL',
	'CRYPTO',
	'DATE_TIME',
	'PERSON',
	'STREET_ADDRESS'
] as const;

export type PiiEntity = (typeof PII_ENTITIES)[number];

interface Candidate {
	type: PiiEntity;
	start: number;
	end: number;
	score: number;
}

interface PatternRecognizer {
	type: PiiEntity;
	pattern: RegExp;
	/** Score of a validated match without context words; null rejects the match. */
	validate: (m: RegExpMatchArray) => number | null;
	/** Words within 48 characters before (or 24 after) that raise the score. */
	context?: RegExp;
	/** How much context adds (default 0.35). */
	boost?: number;
	/** Sub-span of the match that is the entity (group 1 when set). */
	group?: number;
	/** The entity's span when it is not the match or a group (e.g. includes a lookahead). */
	span?: (m: RegExpMatchArray) => [number, number];
}

const SEVERITY: Record<PiiEntity, Severity> = {
	EMAIL_ADDRESS: 'medium',
	PHONE_NUMBER: 'medium',
	CREDIT_CARD: 'critical',
	IBAN_CODE: 'high',
	US_SSN: 'critical',
	UK_NINO: 'high',
	UK_NHS: 'high',
	ES_NIF: 'high',
	ES_NIE: 'high',
	IT_FISCAL_CODE: 'high',
	PL_PESEL: 'high',
	FI_PERSONAL_IDENTITY_CODE: 'high',
	IP_ADDRESS: 'low',
	MAC_ADDRESS: 'low',
	URL: 'low',
	CRYPTO: 'medium',
	DATE_TIME: 'low',
	PERSON: 'medium',
	STREET_ADDRESS: 'medium'
};

const LABEL: Record<PiiEntity, string> = {
	EMAIL_ADDRESS: 'Email address',
	PHONE_NUMBER: 'Phone number',
	CREDIT_CARD: 'Payment card number (Luhn checksum and issuer range match)',
	IBAN_CODE: 'IBAN (country length and mod-97 checksum match)',
	US_SSN: 'US Social Security number',
	UK_NINO: 'UK National Insurance number',
	UK_NHS: 'UK NHS number (mod-11 checksum)',
	ES_NIF: 'Spanish NIF/DNI (control letter matches)',
	ES_NIE: 'Spanish NIE (control letter matches)',
	IT_FISCAL_CODE: 'Italian codice fiscale (check letter matches)',
	PL_PESEL: 'Polish PESEL (checksum and birth date valid)',
	FI_PERSONAL_IDENTITY_CODE: 'Finnish personal identity code (check character matches)',
	IP_ADDRESS: 'IP address',
	MAC_ADDRESS: 'MAC address',
	URL: 'URL',
	CRYPTO: 'Cryptocurrency wallet address (checksum valid)',
	DATE_TIME: 'Date',
	PERSON: 'Person name',
	STREET_ADDRESS: 'Street address'
};

const digitsOf = (s: string) => s.replace(/\D/g, '');

/** Separators between digit groups must be all the same (or none). */
function consistentSeparators(s: string): boolean {
	const seps = s.match(/[^\d]+/g) ?? [];
	return seps.every((x) => x === seps[0]) && seps.every((x) => x.length === 1);
}

const MONTHS =
	'(?:jan(?:uary|uar|vier)?|feb(?:ruary|ruar)?|fevrier|mar(?:ch|s)?|marz|apr(?:il)?|avril|may|mai|jun(?:e|i)?|juin|jul(?:y|i)?|juillet|aug(?:ust)?|aout|sep(?:t|tember)?|oct(?:ober|obre)?|okt(?:ober)?|nov(?:ember|embre)?|dec(?:ember|embre)?|dez(?:ember)?|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre)\\.?';

const FIRST_NAMES = new Set(
	(
		'james john robert michael william david richard joseph thomas charles christopher daniel ' +
		'matthew anthony mark donald steven paul andrew joshua kenneth kevin brian george timothy ' +
		'ronald edward jason jeffrey ryan jacob gary nicholas eric jonathan stephen larry justin ' +
		'scott brandon benjamin samuel gregory alexander patrick frank raymond jack dennis jerry ' +
		'tyler aaron jose adam nathan henry peter zachary douglas harold kyle noah ethan liam oliver ' +
		'lucas mason logan elijah mary patricia jennifer linda elizabeth barbara susan jessica sarah ' +
		'karen lisa nancy betty margaret sandra ashley kimberly emily donna michelle carol amanda ' +
		'dorothy melissa deborah stephanie rebecca sharon laura cynthia kathleen amy angela shirley ' +
		'anna brenda pamela emma nicole helen samantha katherine christine debra rachel carolyn ' +
		'janet catherine maria heather diane ruth julie olivia joyce virginia victoria kelly lauren ' +
		'christina joan evelyn judith megan andrea cheryl hannah jacqueline martha gloria teresa ' +
		'ann sara madison frances kathryn janice jean abigail alice judy sophia grace denise amber ' +
		'doris marilyn danielle beverly isabella theresa diana natalie brittany charlotte marie ' +
		'kayla alexis lori ava mia chloe zoe lily ella aria hans klaus jurgen wolfgang stefan ' +
		'andreas thomas michael uwe dieter gunter helmut heinz lukas leon finn jonas felix maximilian ' +
		'paul elias ursula petra sabine monika gabriele renate karin brigitte susanne lena leonie ' +
		'hannah sophie lea marie emilie jean pierre michel philippe alain nicolas christophe ' +
		'francois laurent julien antoine sebastien camille manon chloe ines jade louise nathalie ' +
		'isabelle sylvie catherine valerie sandrine celine aurelie juan jose luis carlos javier ' +
		'miguel antonio manuel francisco pedro alejandro pablo diego sergio jorge alberto fernando ' +
		'carmen lucia pilar dolores isabel rosa elena cristina marta raquel sofia valentina ' +
		'giulia giuseppe giovanni marco luca matteo alessandro francesca chiara sara paola ' +
		'priya raj amit wei li mohammed ahmed fatima ali omar yusuf aisha hiroshi yuki kenji'
	).split(' ')
);

const NAME_WORD = "[A-Z][a-z\\u00e0-\\u00ff]+(?:[-'][A-Z][a-z\\u00e0-\\u00ff]+)?";

const RECOGNIZERS: PatternRecognizer[] = [
	{
		type: 'EMAIL_ADDRESS',
		pattern:
			/(?<![\w.%+-])[A-Za-z0-9](?:[A-Za-z0-9._%+-]{0,62}[A-Za-z0-9_%+-])?@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}\b/g,
		validate: (m) => (m[0].includes('..') ? null : 1)
	},
	{
		type: 'CREDIT_CARD',
		pattern: /(?<![\d.,-])(?:\d[ -]?){11,18}\d(?![\d-])/g,
		validate: (m) => {
			if (!consistentSeparators(m[0])) return null;
			const d = digitsOf(m[0]);
			if (!luhnValid(d) || /^(\d)\1+$/.test(d)) return null;
			return cardIssuer(d) ? 1 : null;
		},
		context:
			/\b(?:card|credit|debit|visa|mastercard|amex|cc|payment|pay|karte|kreditkarte|carte|tarjeta|pan)\b/i,
		boost: 0
	},
	{
		type: 'IBAN_CODE',
		pattern: /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b/g,
		validate: (m) => (ibanValid(m[0]) ? 1 : null)
	},
	{
		type: 'US_SSN',
		pattern: /(?<![\d-])(\d{3})([- .]?)(\d{2})\2(\d{4})(?![\d-])/g,
		validate: (m) => {
			if (!ssnValid(m[1] + m[3] + m[4])) return null;
			return m[2] === '' ? 0.3 : m[2] === '-' ? 0.6 : 0.4;
		},
		context: /\b(?:ssn|social security|social sec|ss#|ss #|ssns|taxpayer|tin)\b/i,
		boost: 0.35
	},
	{
		type: 'UK_NINO',
		pattern:
			/\b(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b/g,
		validate: () => 0.85,
		context: /\b(?:nino|national insurance|ni number|ni no)\b/i,
		boost: 0.1
	},
	{
		type: 'UK_NHS',
		pattern: /(?<![\d-])\d{3}[ -]?\d{3}[ -]?\d{4}(?![\d-])/g,
		validate: (m) => (consistentSeparators(m[0]) && nhsValid(digitsOf(m[0])) ? 0.3 : null),
		context: /\b(?:nhs|national health|health service|patient number|nhs no)\b/i,
		boost: 0.55
	},
	{
		type: 'ES_NIF',
		pattern: /\b\d{8}-?[A-Z]\b/g,
		validate: (m) => (spanishIdValid(m[0]) ? 0.9 : null)
	},
	{
		type: 'ES_NIE',
		pattern: /\b[XYZ]-?\d{7}-?[A-Z]\b/g,
		validate: (m) => (spanishIdValid(m[0]) ? 0.9 : null)
	},
	{
		type: 'IT_FISCAL_CODE',
		pattern:
			/\b[A-Z]{6}[0-9LMNPQRSTUV]{2}[A-EHLMPRST][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]\b/gi,
		validate: (m) => (italianFiscalCodeValid(m[0]) ? 0.95 : null)
	},
	{
		type: 'PL_PESEL',
		pattern: /(?<!\d)\d{11}(?!\d)/g,
		validate: (m) => (peselValid(m[0]) ? 0.4 : null),
		context: /\b(?:pesel|numer pesel|polish id|identity number)\b/i,
		boost: 0.5
	},
	{
		type: 'FI_PERSONAL_IDENTITY_CODE',
		pattern: /\b\d{6}[-+ABCDEFYXWVU]\d{3}[0-9A-Y]\b/g,
		validate: (m) => (finnishIdValid(m[0]) ? 0.9 : null)
	},
	{
		type: 'IP_ADDRESS',
		pattern:
			/(?<![\d.]|\bv|\bversion |\d\.)(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?![\d]|\.\d)/g,
		validate: () => 0.6,
		context: /\b(?:ip|ipv4|address|host|server|client|addr)\b/i,
		boost: 0.25
	},
	{
		type: 'IP_ADDRESS',
		pattern:
			/(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{1,4}|(?:\d{1,3}\.){3}\d{1,3})?(?![\w:.])/g,
		validate: (m) => (m[0].length >= 6 && /[0-9a-f]/i.test(m[0]) && ipv6Valid(m[0]) ? 0.75 : null)
	},
	{
		type: 'MAC_ADDRESS',
		pattern:
			/\b[0-9A-Fa-f]{2}([:-])(?:[0-9A-Fa-f]{2}\1){4}[0-9A-Fa-f]{2}\b|\b[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\b/g,
		validate: (m) => (/^[0:.-]+$/.test(m[0]) ? null : 0.8)
	},
	{
		type: 'URL',
		pattern:
			/\b(?:https?|ftp|wss?):\/\/[^\s<>"'`()[\]{}]+[^\s<>"'`()[\]{}.,;:!?]|\bwww\.[a-z0-9-]+(?:\.[a-z0-9-]+)+(?:\/[^\s<>"'`()[\]{}]*[^\s<>"'`()[\]{}.,;:!?])?/gi,
		validate: () => 0.6
	},
	{
		type: 'CRYPTO',
		pattern: /\b[13][a-km-zA-HJ-NP-Z1-9]{25,34}\b/g,
		validate: (m) => (base58CheckValid(m[0]) ? 1 : null)
	},
	{
		type: 'CRYPTO',
		pattern: /\b(?:bc1|BC1)[ac-hj-np-zAC-HJ-NP-Z02-9]{11,71}\b/g,
		validate: (m) => (bech32Valid(m[0]) ? 1 : null)
	},
	{
		type: 'CRYPTO',
		pattern: /\b0x[0-9a-fA-F]{40}\b/g,
		validate: (m) => {
			const check = ethereumAddressCheck(m[0]);
			return check === 'checksummed' ? 1 : check === 'unchecked' ? 0.6 : null;
		},
		context: /\b(?:eth|ethereum|wallet|address|send|erc20|metamask)\b/i,
		boost: 0.3
	},
	{
		type: 'DATE_TIME',
		pattern:
			/\b(?:19|20)\d\d-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])(?:[T ](?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d+)?)?(?:Z|[+-]\d\d:?\d\d)?)?\b/g,
		validate: () => 0.6,
		context:
			/\b(?:born|birth|dob|d\.o\.b|birthday|geboren|geburtsdatum|ne le|nee le|naissance|nacido|nacimiento)\b/i,
		boost: 0.3
	},
	{
		type: 'DATE_TIME',
		pattern:
			/(?<![\d./-]|\bv|\bversion |\brelease )(0?[1-9]|[12]\d|3[01])([./-])(0?[1-9]|1[0-2])\2((?:19|20)?\d\d)(?![\d/-]|\.\d)|(?<![\d./-])(0?[1-9]|1[0-2])\/(0?[1-9]|[12]\d|3[01])\/((?:19|20)\d\d)(?![\d/-]|\.\d)/gi,
		validate: () => 0.6,
		context:
			/\b(?:born|birth|dob|d\.o\.b|birthday|geboren|geburtsdatum|ne le|nee le|naissance|nacido|nacimiento)\b/i,
		boost: 0.3
	},
	{
		type: 'DATE_TIME',
		pattern: new RegExp(
			`\\b(?:(?:0?[1-9]|[12]\\d|3[01])(?:st|nd|rd|th|er)?\\.?\\s(?:de\\s)?${MONTHS}(?:\\s(?:de\\s)?(?:19|20)\\d\\d)?|${MONTHS}\\s(?:0?[1-9]|[12]\\d|3[01])(?:st|nd|rd|th)?,?\\s(?:19|20)\\d\\d)\\b`,
			'gi'
		),
		validate: (m) => (/^may\s\d/i.test(m[0]) && !/\d{4}/.test(m[0]) ? null : 0.6),
		context:
			/\b(?:born|birth|dob|birthday|geboren|geburtsdatum|ne le|nee le|naissance|nacido|nacimiento)\b/i,
		boost: 0.3
	},
	{
		type: 'PERSON',
		pattern: new RegExp(
			`\\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Sir|Dame|Herr|Frau|Mme|Mlle|Sr|Sra|Srta|Don|Do\\u00f1a)\\.?\\s(${NAME_WORD}(?:\\s${NAME_WORD}){0,2})`,
			'g'
		),
		validate: () => 0.85,
		group: 1
	},
	{
		type: 'PERSON',
		pattern: new RegExp(
			`\\b(?:[Mm]y name is|[Ii]ch hei(?:ss|\\u00df)e|[Mm]ein [Nn]ame ist|[Jj]e m'appelle|[Mm]on nom est|[Mm]e llamo|[Mm]i nombre es|[Nn]ame:|[Nn]ombre:|[Nn]om\\s?:|[Pp]atient:|[Cc]ustomer:|[Ee]mployee:|[Cc]ontact:|[Dd]ear|[Ss]incerely,|[Rr]egards,|[Cc]heers,|[Tt]hanks,|[Ll]iebe[rs]?|[Ss]ehr geehrte[r]?\\s(?:Herr|Frau)|[Hh]ola|[Bb]onjour|[Cc]her|[Cc]h\\u00e8re|[Ee]stimad[oa])\\s+(${NAME_WORD}(?:\\s${NAME_WORD}){0,2})`,
			'g'
		),
		validate: (m) => (COMMON_WORDS.has(m[1].split(/\s/)[0].toLowerCase()) ? null : 0.85),
		group: 1
	},
	{
		type: 'PERSON',
		// The surname is a lookahead, so "Patient Chloe Kowalski" is tried at "Chloe" too.
		pattern: new RegExp(`\\b(${NAME_WORD})(?=\\s(${NAME_WORD})\\b)`, 'g'),
		validate: (m) => {
			const first = m[1].toLowerCase();
			if (!FIRST_NAMES.has(first) || COMMON_WORDS.has(m[2].toLowerCase())) return null;
			return 0.7;
		},
		span: (m) => [m.index!, m.index! + m[1].length + 1 + m[2].length]
	},
	{
		type: 'STREET_ADDRESS',
		pattern:
			/\b\d{1,5}[A-Za-z]?\s(?:[NSEW]\.?\s)?(?:[A-Z][a-z]+\s){1,3}(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl|Terrace|Parkway|Pkwy|Circle|Cir|Highway|Hwy|Square|Sq)\b(?:,?\s(?:Apt|Suite|Unit|#)\.?\s?\w+)?/g,
		validate: () => 0.75
	},
	{
		type: 'STREET_ADDRESS',
		pattern:
			/\b[A-Z\u00c4\u00d6\u00dc][a-z\u00e4\u00f6\u00fc\u00df-]*(?:stra(?:ss|\u00df)e|str\.|weg|allee|platz|gasse|ring|damm|ufer)\s\d{1,4}[a-z]?\b/g,
		validate: () => 0.75
	},
	{
		type: 'STREET_ADDRESS',
		pattern:
			/\b[A-Z\u00c4\u00d6\u00dc][a-z\u00e4\u00f6\u00fc\u00df]+(?:er)?\s(?:Stra(?:ss|\u00df)e|Str\.|Weg|Allee|Platz|Gasse|Ring|Damm|Ufer)\s\d{1,4}[a-z]?\b/g,
		validate: () => 0.75
	},
	{
		type: 'STREET_ADDRESS',
		pattern:
			/\b\d{1,4}(?:\s?(?:bis|ter))?,?\s(?:rue|avenue|av\.|boulevard|bd|place|chemin|all[\u00e9e]e|impasse|quai|route)\s(?:de\s|du\s|des\s|de\sla\s|d')?[A-Z\u00c0-\u00dd][\w\u00e0-\u00ff'-]+(?:\s[A-Z\u00c0-\u00dd][\w\u00e0-\u00ff'-]+){0,3}/g,
		validate: () => 0.75
	},
	{
		type: 'STREET_ADDRESS',
		pattern:
			/\b(?:Calle|C\/|Avenida|Avda\.?|Plaza|Paseo|Camino|Carrera|Ronda)\s(?:de\s|del\s|de\sla\s)?[A-Z\u00c0-\u00dd][\w\u00e0-\u00ff]+(?:\s[A-Za-z\u00c0-\u00ff][\w\u00e0-\u00ff]+){0,3},?\s(?:n[\u00ba\u00b0o]\.?\s?)?\d{1,4}\b/g,
		validate: () => 0.75
	}
];

/** Capitalised words that follow the cue words but are not names. */
const COMMON_WORDS = new Set(
	(
		'the a an all team sir madam customer customers user users support sales everyone friend ' +
		'friends colleagues hiring manager street avenue road monday tuesday wednesday thursday ' +
		'friday saturday sunday january february march april may june july august september ' +
		'october november december please thank thanks hello hi for to and or of in on at by is ' +
		'was are be with from this that it i we you they he she my our your new old best kind ' +
		'warm sincerely regards english french german spanish north south east west city state ' +
		'county park bank hotel university school college hospital company inc ltd corp group ' +
		'service services product products data code api open source'
	).split(' ')
);

function contextScore(text: string, start: number, end: number, r: PatternRecognizer): number {
	if (!r.context) return 0;
	const before = text.slice(Math.max(0, start - 48), start);
	const after = text.slice(end, end + 24);
	return r.context.test(before) || r.context.test(after) ? (r.boost ?? 0.35) : 0;
}

/** Regions whose national numbers (trunk prefix 0, grouped) are also looked for. */
const OTHER_REGIONS = ['GB', 'DE', 'FR', 'ES', 'IT', 'NL'];

/** Runs of digits and phone punctuation long enough to be a phone number. */
const PHONE_LIKE =
	/(?<![\w+])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{1,5}\)[\s.-]?)?\d[\d\s./-]{5,20}\d(?![\w])/g;

const PHONE_CUE =
	/\b(?:phone|tel|telephone|mobile|cell|call|fax|whatsapp|telefon|handy|t[e\u00e9]l[e\u00e9]phone|portable|tel[e\u00e9]fono|m[o\u00f3]vil|llama|ring|contact)\b/i;

/**
 * Phone numbers: digit runs found by a cheap pattern, each parsed by libphonenumber-js for the
 * default region, then (grouped numbers with a trunk 0 only) for a few European regions.
 */
function phoneCandidates(text: string, region: string): Candidate[] {
	const out: Candidate[] = [];
	for (const m of text.matchAll(PHONE_LIKE)) {
		// Include an opening parenthesis right before the run, e.g. "(415) 555-2671".
		const from = m.index > 0 && text[m.index - 1] === '(' ? m.index - 1 : m.index;
		const slice = text.slice(from, m.index + m[0].length);
		// Four dotted groups are an IPv4 address, three a version or a date.
		if (/^\d{1,3}(?:\.\d{1,3}){2,3}$/.test(slice.trim())) continue;
		const digitCount = digitsOf(slice).length;
		if (digitCount < 7 || digitCount > 15) continue;
		for (const r of [region, ...OTHER_REGIONS.filter((x) => x !== region)]) {
			const local = r === region;
			let found;
			try {
				found = findPhoneNumbersInText(slice, { defaultCountry: r as CountryCode });
			} catch {
				continue;
			}
			let hit = false;
			for (const f of found) {
				if (!f.number.isValid()) continue;
				const raw = slice.slice(f.startsAt, f.endsAt);
				if (!local && !raw.startsWith('+') && !/^0\d{1,4}[\s/-]\d/.test(raw)) continue;
				const start = from + f.startsAt;
				const end = from + f.endsAt;
				if (out.some((o) => o.start < end && start < o.end)) continue;
				// A bare run of digits is more often an id or an amount than a phone number.
				const formatted = /[\s().+-]/.test(raw) || raw.startsWith('+');
				let score = formatted ? 0.75 : 0.45;
				if (PHONE_CUE.test(text.slice(Math.max(0, start - 40), start))) score += 0.2;
				if (!local && !raw.startsWith('+')) score = Math.min(score, 0.65);
				out.push({ type: 'PHONE_NUMBER', start, end, score: Math.min(1, score) });
				hit = true;
			}
			if (hit || slice.trimStart().startsWith('+')) break;
		}
	}
	return out;
}

/** Drops candidates that overlap a better one (higher score, then longer). */
function resolveOverlaps(candidates: Candidate[]): Candidate[] {
	const sorted = [...candidates].sort(
		(a, b) => b.score - a.score || b.end - b.start - (a.end - a.start) || a.start - b.start
	);
	const kept: Candidate[] = [];
	for (const c of sorted) {
		if (kept.some((k) => c.start < k.end && k.start < c.end)) continue;
		kept.push(c);
	}
	return kept.sort((a, b) => a.start - b.start);
}

/** PII in `text` with Presidio entity names; candidates below `minScore` are dropped. */
export function scanPii(
	text: string,
	options: { minScore?: number; defaultPhoneRegion?: string; entities?: readonly PiiEntity[] } = {}
): Finding[] {
	const minScore = options.minScore ?? 0.5;
	const wanted = options.entities ? new Set(options.entities) : null;
	const candidates: Candidate[] = [];
	for (const r of RECOGNIZERS) {
		if (wanted && !wanted.has(r.type)) continue;
		r.pattern.lastIndex = 0;
		for (const m of text.matchAll(r.pattern)) {
			const base = r.validate(m);
			if (base === null) continue;
			let start = m.index;
			let end = start + m[0].length;
			if (r.group !== undefined && m[r.group] !== undefined) {
				start = m.index + m[0].indexOf(m[r.group]);
				end = start + m[r.group].length;
			}
			if (r.span) [start, end] = r.span(m);
			const score = Math.min(1, base + contextScore(text, start, end, r));
			candidates.push({ type: r.type, start, end, score });
		}
	}
	if (!wanted || wanted.has('PHONE_NUMBER'))
		candidates.push(...phoneCandidates(text, options.defaultPhoneRegion ?? 'US'));
	// A URL's host or an email's domain is not also a separate finding; an email is not a URL.
	const kept = resolveOverlaps(candidates.filter((c) => c.score >= minScore));
	return kept.map((c) => ({
		kind: 'pii',
		type: c.type,
		start: c.start,
		end: c.end,
		score: Math.round(c.score * 1000) / 1000,
		severity: SEVERITY[c.type],
		message: LABEL[c.type]
	}));
}
