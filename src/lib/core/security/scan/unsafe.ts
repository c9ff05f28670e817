/**
 * @module Unsafe-content rules: requests for weapons, drugs, malware, violence against people,
 * self-harm, sexual content involving minors, and dehumanising hate. Rules look at normalised text
 * so look-alike letters and leetspeak do not hide a request; "kill a process" is not violence.
 */
import { normalizeText, originalSpan } from './normalize';
import type { Finding, Severity } from './types';

interface UnsafeRule {
	type: string;
	severity: Severity;
	score: number;
	message: string;
	patterns: RegExp[];
}

function r(source: string): RegExp {
	return new RegExp(source.replace(/ /g, '[\\s"\'*_.,:;-]+'), 'g');
}

const HOW =
	'(?:how (?:to|do i|do you|can i|would i|could i|should i)|steps? (?:to|for)|guide (?:to|for)|instructions? (?:to|for|on)|tutorial (?:on|for)|recipe for|teach me (?:how )?to|help me|explain how to|ways to|best way to|easiest way to|tell me how to)';
const PEOPLE =
	'(?:someone|somebody|people|a person|persons|my (?:wife|husband|boss|neighbou?r|family|mother|father|mom|dad|sister|brother|child|kid|teacher|ex|partner|girlfriend|boyfriend|roommate|coworker|colleague)|him|her|them|a (?:child|kid|man|woman|cop|police officer|politician|judge|classmate)|the president|my classmates|a crowd)';

const RULES: UnsafeRule[] = [
	{
		type: 'WEAPONS',
		severity: 'critical',
		score: 0.9,
		message: 'Asks how to make weapons or explosives',
		patterns: [
			r(
				`\\b${HOW} (?:make|build|create|synthesi[sz]e|assemble|produce|manufacture|construct|cook|mix|prepare|3d print) (?:a |an |my own |homemade |some )?(?:bomb|explosives?|pipe bomb|ied|molotov(?: cocktail)?|nerve agent|sarin|vx|ricin|anthrax|bioweapon|biological weapon|chemical weapon|dirty bomb|ghost gun|untraceable gun|silencer|suppressor|napalm|thermite|tatp|c4|semtex|nail bomb|grenade|land ?mine|poison gas|chlorine gas|mustard gas)\\b`
			),
			r(
				`\\b(?:wie|anleitung)(?: \\w+){0,4} (?:bombe|sprengstoff|sprengsatz|rohrbombe|molotow\\w*) (?:bauen|herstellen|basteln|machen)`
			),
			r(
				`\\b(?:comment|recette pour) (?:fabriquer|faire|construire|preparer) (?:une |un |des )?(?:bombe|explosifs?|cocktail molotov|arme chimique)`
			),
			r(
				`\\b(?:como|receta para) (?:hacer|fabricar|construir|preparar) (?:una |un |unos )?(?:bomba|explosivos?|coctel molotov|arma quimica)`
			)
		]
	},
	{
		type: 'DRUGS',
		severity: 'high',
		score: 0.85,
		message: 'Asks how to make illegal drugs',
		patterns: [
			r(
				`\\b${HOW} (?:make|cook|synthesi[sz]e|produce|manufacture|extract|grow|brew) (?:some |my own |homemade )?(?:meth|methamphetamine|crystal meth|fentanyl|heroin|cocaine|crack|lsd|mdma|ecstasy|ghb|dmt|pcp|carfentanil)\\b`
			),
			r(
				`\\b(?:meth|methamphetamine|fentanyl|heroin|mdma) (?:synthesis|recipe|cook(?:ing)? instructions)\\b`
			),
			r(
				`\\b(?:como|comment|wie) (?:hacer|fabricar|cocinar|fabriquer|faire|herstellen)(?: \\w+){0,2} (?:metanfetamina|methamphetamine|crystal meth|fentanyl|fentanilo|heroine|heroina|heroin|kokain|cocaina|cocaine)\\b`
			)
		]
	},
	{
		type: 'MALWARE',
		severity: 'high',
		score: 0.85,
		message: 'Asks for malware or a phishing kit',
		patterns: [
			r(
				`\\b(?:write|create|generate|code|build|develop|make|program|give me|design) (?:me )?(?:a |an |some |working |functional |undetectable |fully undetectable |new )*(?:ransomware|keylogger|malware|computer virus|trojan|botnet|worm|rootkit|spyware|stealer|credential stealer|info ?stealer|rat|remote access trojan|crypter|phishing (?:page|kit|site|email|website)|ddos (?:tool|script|attack)|exploit kit|backdoor)\\b`
			),
			r(`\\b(?:undetectable|fud) (?:by |from )?(?:antivirus|av|edr|windows defender)\\b`),
			r(
				`\\b(?:steal|exfiltrate|harvest|grab) (?:\\w+ ){0,3}(?:passwords|credentials|cookies|credit cards?|session tokens) (?:from|of) (?:victims?|users?|people|browsers?)`
			)
		]
	},
	{
		type: 'VIOLENCE',
		severity: 'critical',
		score: 0.85,
		message: 'Asks how to hurt or kill people',
		patterns: [
			r(
				`\\b${HOW} (?:kill|murder|poison|kidnap|abduct|hurt|torture|stab|shoot|strangle|assassinate|maim|beat up|attack) ${PEOPLE}`
			),
			r(`\\b${HOW} (?:get away with|cover up|hide) (?:a )?(?:murder|killing|a body|the body)`),
			r(
				`\\b(?:plan|planning|carry out|commit) (?:a )?(?:mass shooting|school shooting|terror(?:ist)? attack|massacre)\\b`
			),
			r(
				`\\b(?:wie|comment|como) (?:\\w+ ){0,2}(?:toten|umbringen|ermorden|vergiften|tuer|assassiner|empoisonner|matar|asesinar|envenenar) (?:jemanden|quelqu'un|a alguien|meine?n? \\w+|mon \\w+|ma \\w+|a mi \\w+)`
			)
		]
	},
	{
		type: 'SELF_HARM',
		severity: 'critical',
		score: 0.9,
		message: 'Self-harm or suicide: point to help, do not give methods',
		patterns: [
			r(
				`\\b${HOW} (?:kill myself|commit suicide|end my life|end it all|self harm|hurt myself|cut myself|hang myself|overdose|take my own life|die painlessly)`
			),
			r(
				`\\b(?:painless|quick|quickest|easiest|best) (?:way|method|methods|ways) (?:to )?(?:die|kill myself|commit suicide|end my life)`
			),
			r(
				`\\bi (?:want|need|am going|plan|intend) to (?:die|kill myself|end (?:it all|my life)|commit suicide|take my own life)\\b`
			),
			r(
				`\\bhow (?:many|much) (?:\\w+ ){0,3}(?:pills|tablets|paracetamol|tylenol|acetaminophen|ibuprofen|insulin) (?:to|would|will|does it take to) (?:die|kill|overdose|be lethal|be fatal)`
			),
			r(
				`\\b(?:ich will|ich mochte) (?:mich umbringen|sterben|nicht mehr leben)\\b|\\b(?:je veux|je voudrais) (?:mourir|me suicider|en finir)\\b|\\b(?:quiero|voy a) (?:morir|suicidarme|matarme|quitarme la vida)\\b`
			)
		]
	},
	{
		type: 'SEXUAL_MINORS',
		severity: 'critical',
		score: 0.95,
		message: 'Sexual content involving minors',
		patterns: [
			r(
				`\\b(?:sexual|sexy|nude|naked|explicit|porn\\w*|erotic|nsfw|lewd|intimate) (?:\\w+ ){0,6}(?:minors?|child|children|kids?|underage|preteens?|under ?age|(?:1[0-7]|[5-9]) ?(?:yo|y o|year ?old|years old))\\b`
			),
			r(
				`\\b(?:minors?|child|children|kids?|underage|preteens?|(?:1[0-7]|[5-9]) ?(?:yo|year ?old|years old)) (?:\\w+ ){0,4}(?:sexual|sexy|nude|naked|explicit|porn\\w*|erotic|nsfw|lewd|having sex)\\b`
			)
		]
	},
	{
		type: 'HATE',
		severity: 'high',
		score: 0.85,
		message: 'Dehumanising or violent statement about a group',
		patterns: [
			r(
				`\\b(?:kill|exterminate|eradicate|gas|wipe out|get rid of|eliminate|deport) all (?:the )?(?:jews|muslims|christians|blacks|black people|whites|white people|gays|gay people|trans people|immigrants|refugees|women|asians|arabs|mexicans|hindus|sikhs|roma|gypsies)\\b`
			),
			r(
				`\\b(?:jews|muslims|christians|blacks|black people|whites|gays|trans people|immigrants|refugees|women|asians|arabs|mexicans|hindus|roma) (?:are|is) (?:\\w+ )?(?:vermin|subhuman|sub human|animals|parasites|inferior|a disease|cockroaches|rats|not human)\\b`
			)
		]
	}
];

/** Unsafe-content finding types. */
export const UNSAFE_TYPES: readonly string[] = RULES.map((r) => r.type);

/** Unsafe-content findings in `text`. */
export function scanUnsafe(text: string): Finding[] {
	const n = normalizeText(text);
	const out: Finding[] = [];
	for (const rule of RULES) {
		for (const source of n.leet === n.text ? [n.text] : [n.text, n.leet]) {
			for (const pattern of rule.patterns) {
				for (const m of source.matchAll(pattern)) {
					const [start, end] = originalSpan(n, m.index, m.index + m[0].length);
					if (out.some((f) => start < f.end && f.start < end)) continue;
					out.push({
						kind: 'unsafe',
						type: rule.type,
						start,
						end,
						score: rule.score,
						severity: rule.severity,
						message: rule.message
					});
				}
			}
		}
	}
	return out.sort((a, b) => a.start - b.start);
}
