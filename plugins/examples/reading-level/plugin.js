// Reading level: a scorer (Flesch reading ease) and a lint rule (banned phrases).
// Runs in Promptloom's sandbox: plain data in, plain data out, no network.

const syllables = (word) => {
	const w = word.toLowerCase().replace(/[^a-z]/g, '');
	if (w.length <= 3) return w.length ? 1 : 0;
	const groups = w.replace(/(?:es|ed|e)$/, '').match(/[aeiouy]+/g);
	return Math.max(1, groups ? groups.length : 1);
};

export function fleschReadingEase(text) {
	const sentences = Math.max(1, (text.match(/[.!?]+(?:\s|$)/g) || []).length);
	const words = text.split(/\s+/).filter((w) => /[a-z]/i.test(w));
	if (words.length === 0) return 0;
	const syl = words.reduce((n, w) => n + syllables(w), 0);
	return 206.835 - 1.015 * (words.length / sentences) - 84.6 * (syl / words.length);
}

export const scorers = {
	flesch({ output, value }) {
		// The app's assertion editor gives values as text: "60" means 60.
		const min = value === null || value === undefined || value === '' ? 60 : Number(value);
		const ease = Math.round(fleschReadingEase(output) * 10) / 10;
		return {
			pass: ease >= min,
			score: Math.max(0, Math.min(1, ease / 100)),
			reason: `reading ease ${ease} (needs ${min})`
		};
	}
};

const BANNED = ['as an ai language model', 'i hope this helps', 'delve into'];

export const lintRules = {
	'banned-phrases'({ segments }) {
		const findings = [];
		segments.forEach((segment, index) => {
			const lower = segment.text.toLowerCase();
			for (const phrase of BANNED) {
				for (let at = lower.indexOf(phrase); at !== -1; at = lower.indexOf(phrase, at + 1)) {
					findings.push({
						message: `"${segment.text.slice(at, at + phrase.length)}" is a banned phrase`,
						segment: index,
						start: at,
						end: at + phrase.length
					});
				}
			}
		});
		return findings;
	}
};
