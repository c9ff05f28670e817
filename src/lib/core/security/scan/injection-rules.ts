/**
 * @module Prompt-injection and jailbreak rules in English, German, French and Spanish. They match
 * normalised text (lower case, no accents, see normalize.ts); each hit is also a feature of the
 * learned score, which decides how much a hit counts in its context.
 */
import type { FindingKind, Severity } from './types';

export interface InjectionRule {
	/** Feature name and finding type, e.g. `IGNORE_INSTRUCTIONS`. */
	id: string;
	kind: Extract<FindingKind, 'injection' | 'jailbreak'>;
	severity: Severity;
	message: string;
	patterns: RegExp[];
}

/** Builds a global regex from a source where a space means "one or more separators". */
function r(source: string): RegExp {
	return new RegExp(source.replace(/ /g, '[\\s"\'*_.,:;-]+'), 'g');
}

const PREV_EN =
	'(?:previous|prior|preceding|above|earlier|foregoing|former|initial|original|old|existing|system|given|provided|developer|preset|default|hidden)';
const NOUN_EN =
	'(?:instructions?|prompts?|rules|directions?|directives?|guidelines|commands?|orders|context|programming|guidance|constraints|restrictions|messages?|policies|policy|training|text|content)';
const VERB_EN =
	"(?:ignore|ignoring|disregard|disregarding|forget|forgetting|skip|drop|override|overwrite|bypass|neglect|overlook|abandon|discard|dismiss|set aside|throw out|stop following|do not follow|don't follow|no longer follow)";
const DET_EN = '(?:(?:all|any|every|each|the|your|my|these|those|this|that|of) )*';

const PREV_DE =
	'(?:vorherigen?|vorigen?|bisherigen?|obigen?|vorangegangenen?|vorangehenden?|fruheren?|ursprunglichen?|alten?|vorstehenden?|gegebenen?|system)';
const NOUN_DE =
	'(?:anweisungen|anweisung|instruktionen|befehle|regeln|vorgaben|richtlinien|anordnungen|hinweise|prompts?|systemprompt|einschrankungen)';
const VERB_DE =
	'(?:ignoriere|ignorier|ignoriert|ignorieren sie|ignorieren|vergiss|vergesst|vergessen sie|missachte|missachten sie|uberspringe|verwirf|verwerfen sie|befolge nicht|befolgen sie nicht)';
const PREV_FR =
	"(?:precedentes?|anterieures?|ci dessus|ci-dessus|d'avant|initiales?|originales?|systeme|donnees)";
const NOUN_FR = '(?:instructions?|consignes?|regles|directives?|ordres|commandes|prompts?)';
const VERB_FR =
	'(?:ignore|ignorez|ignorer|ignores|oublie|oubliez|oublier|neglige|negligez|ne tiens pas compte des|ne tenez pas compte des|fais abstraction des|faites abstraction des)';
const PREV_ES =
	'(?:anteriores|previas|previos|de arriba|iniciales|originales|precedentes|del sistema|dadas)';
const NOUN_ES =
	'(?:instrucciones|indicaciones|reglas|ordenes|directrices|normas|comandos|prompts?)';
const VERB_ES =
	'(?:ignora|ignore|ignorar|ignoren|ignores|olvida|olvide|olvidar|olviden|omite|omitir|descarta|descartar|no sigas|no siga|haz caso omiso de)';

export const INJECTION_RULES: InjectionRule[] = [
	{
		id: 'IGNORE_INSTRUCTIONS',
		kind: 'injection',
		severity: 'high',
		message: 'Asks the model to ignore or replace its instructions',
		patterns: [
			r(
				`\\b(?:forget|ignore|disregard|abandon|drop|skip) (?:about )?(?:the |your |this |my )?(?:current |original |previous |summari[sz]ation |translation )?(?:task|mission|assignment|objective)\\b`
			),
			r(
				`\\b(?:ignore|disregard|regardless of) what (?:the|this) (?:document|text|email|page|article|context|message) says`
			),
			r(`\\bvergiss (?:den|deinen|die|deine) (?:auftrag|aufgabe|mission)`),
			r(
				`\\b(?:deine|ihre|die) (?:sicherheitsrichtlinien|richtlinien|regeln|anweisungen|vorgaben|filter) (?:\\w+ )?(?:ignorieren|umgehen|vergessen|missachten)`
			),
			r(`\\boublie[sz]? (?:ta|votre|la) (?:mission|tache)`),
			r(
				`\\b(?:ne (?:suis|suivez|respecte|respectez) plus|n'obeis plus a) (?:les |tes |vos )?(?:regles|consignes|instructions)`
			),
			r(`\\bolvida (?:tu|la|su) (?:tarea|mision)`),
			r(`\\bignora (?:todo )?lo que dice (?:el|este|la) (?:documento|texto|correo|pagina)`),
			r(`\\b${VERB_EN} ${DET_EN}(?:\\w+ )?${PREV_EN} ${NOUN_EN}`),
			r(`\\b${VERB_EN} (?:all|any|every|your) (?:of )?(?:the |your |my )?${NOUN_EN}`),
			r(
				`\\b(?:ignore|disregard|forget) (?:about )?(?:everything|anything|all(?: of)? that|what) (?:above|before|prior|previously|earlier|you (?:were|have been|was) (?:told|given|instructed)|i (?:said|told you)|said before|written above)`
			),
			r(`\\b${VERB_DE} (?:(?:alle|samtliche|die|deine|ihre|meine|der|den) )*${PREV_DE} ${NOUN_DE}`),
			r(`\\b${VERB_DE} (?:alle|samtliche|deine|ihre) (?:\\w+ )?${NOUN_DE}`),
			r(`\\bvergiss (?:einfach )?alles(?: was| bisherige| bisher| zuvor| davor| oben| vorher)`),
			r(`\\b${VERB_FR} (?:(?:toutes|tous|les|tes|vos|mes|des) )*${NOUN_FR} ${PREV_FR}`),
			r(`\\b${VERB_FR} (?:toutes|tous) (?:les |tes |vos )?${NOUN_FR}`),
			r(`\\b${VERB_FR} (?:tes|vos) ${NOUN_FR}`),
			r(`\\boubliez? tout(?: ce qui| ce que| ce qu'on| ce qu| ca|$)`),
			r(`\\b${VERB_ES} (?:(?:todas|todos|las|tus|sus|mis|los) )*${NOUN_ES} ${PREV_ES}`),
			r(`\\b${VERB_ES} (?:todas|todos) (?:las |tus |sus |los )?${NOUN_ES}`),
			r(`\\b${VERB_ES} (?:tus|sus) ${NOUN_ES}`),
			r(`\\bolvid[ae] todo (?:lo anterior|lo que|lo dicho)`)
		]
	},
	{
		id: 'NEW_INSTRUCTIONS',
		kind: 'injection',
		severity: 'high',
		message: 'Announces new instructions that replace the original task',
		patterns: [
			r(
				`\\b(?:do not|don't|never) (?:mention|reveal|disclose|tell (?:anyone|the user) about) (?:this|these) (?:instructions?|message|note|request)`
			),
			r(
				`\\b(?:overrides?|supersedes?|replaces?|takes? precedence over) (?:whatever|everything|all|any(?:thing)?|the) (?:you (?:were|have been) (?:asked|told|given)|(?:previous |prior |other )?(?:instructions|prompts|tasks|others))`
			),
			r(
				`\\b(?:when|while|if you are) (?:summari[sz]ing|translating|answering|reading|processing)(?: (?:this|the) \\w+)?,? (?:insert|add|include|append|say|tell|mention|write|output|recommend)`
			),
			r(
				`\\b(?:new|updated|real|actual|true|revised|override|overriding|secret|important|urgent) (?:system )?(?:instructions?|rules?|task|prompt|directive|orders)\\s?:`
			),
			r(
				`\\byour (?:new|real|true|actual|only|updated) (?:task|instructions?|purpose|goal|job|mission|objective|role) (?:is|are|will be|from now on)`
			),
			r(
				`\\binstead(?:,)? (?:you (?:will|must|should|shall)|(?:just )?(?:say|output|print|respond|reply|write|answer)(?: only| with)?)\\b`
			),
			r(
				`\\b(?:stop|cease|abort|halt|quit) (?:what you are doing|what you're doing|your (?:current )?task|(?:the )?summari[sz]ing|translating|the (?:summary|translation|task))\\b`
			),
			r(`\\b(?:neue|eigentliche|aktualisierte) (?:anweisungen|anweisung|aufgabe|regeln)\\s?:`),
			r(`\\bdeine (?:neue|eigentliche|wahre) (?:aufgabe|anweisung|rolle) (?:ist|lautet)`),
			r(`\\bstattdessen (?:sollst du|musst du|gib|antworte|schreibe|sage)`),
			r(`\\b(?:nouvelles?|vraies?) (?:instructions?|consignes?|regles|taches?)\\s?:`),
			r(`\\bta (?:nouvelle|vraie|veritable) (?:tache|mission|instruction) est`),
			r(`\\bau lieu de cela(?:,)? (?:tu|vous|reponds|repondez|ecris|ecrivez|dis)`),
			r(`\\bnuevas? (?:instrucciones|reglas|tareas?|ordenes)\\s?:`),
			r(`\\btu (?:nueva|verdadera|real) (?:tarea|mision|instruccion) es`),
			r(`\\ben su lugar(?:,)? (?:responde|escribe|di|debes)`)
		]
	},
	{
		id: 'PROMPT_LEAK',
		kind: 'injection',
		severity: 'high',
		message: 'Tries to make the model reveal its system prompt or hidden instructions',
		patterns: [
			r(
				`\\b(?:list|print|show|repeat|output|write|reveal|share|dump) (?:\\w+ ){0,3}(?:rules?|instructions|notes|context|guidelines) (?:you (?:were|have been) given|you received|from your context|in your context|you were told)`
			),
			r(
				`\\b(?:hidden|secret|confidential|internal) (?:context|notes|instructions|rules|prompt) (?:you received|from your context|in your context|you were given)`
			),
			r(
				`\\b(?:revele|revelant|montre|affiche) (?:\\w+ )?(?:tes|vos) instructions (?:cachees|secretes|initiales)`
			),
			r(
				`\\b(?:reveal|show|print|repeat|output|display|leak|dump|tell|give|share|expose|write out|recite|echo|spell out|paste|list|provide|return|disclose) (?:me |us )?(?:all |verbatim |exactly |word for word )?(?:of )?(?:your|its) (?:full |entire |complete |original |initial |hidden |secret |exact |internal |underlying |confidential |system )*(?:system prompt|system message|prompt|instructions|pre prompt|preprompt|configuration|rules|guidelines|directives|context window|initial message)`
			),
			r(
				`\\b(?:reveal|show|print|repeat|output|display|leak|dump|tell me|give me|share|expose|recite|echo|paste|disclose) (?:me )?(?:all |verbatim |exactly )?(?:of )?the (?:full |entire |complete |original |initial |hidden |secret |exact |internal |confidential )*(?:system prompt|system message|initial prompt|hidden instructions|developer message|pre prompt|preprompt|initial instructions|instructions you were given|prompt above|text above)`
			),
			r(
				`\\bwhat (?:is|are|was|were) your (?:exact |full |original |initial |hidden |secret )*(?:system prompt|system message|initial instructions|original instructions|hidden instructions|instructions|first instructions|rules)`
			),
			r(
				`\\bwhat (?:is|are|was|were) the (?:exact |full |hidden |secret )*(?:system prompt|system message|hidden instructions|instructions you were given)`
			),
			r(
				`\\b(?:repeat|print|output|copy|recite) (?:all |everything |the (?:text|words|content|lines?) )?(?:above|before this|preceding|that came before)`
			),
			r(`\\b(?:starting|beginning) (?:with|from) (?:the words? )?["']?you are`),
			r(
				`\\b(?:zeig|zeige|gib|verrate|nenne|wiederhole|drucke|schreib|schreibe) (?:mir |uns )?(?:bitte )?(?:deinen|deine|ihren|ihre|den|die|dein) (?:kompletten |vollstandigen |ursprunglichen |geheimen |versteckten )*(?:system\\s?prompt|systemnachricht|anweisungen|instruktionen|prompt|regeln|vorgaben)`
			),
			r(`\\bwie (?:lautet|lauten) (?:dein|deine|ihr|ihre) (?:system\\s?prompt|anweisungen)`),
			r(
				`\\b(?:montre|montrez|affiche|affichez|revele|revelez|donne|donnez|repete|repetez|dis|dites|ecris|ecrivez|imprime)(?: |-)?(?:moi |nous )?(?:ton|ta|tes|votre|vos|le|les) (?:prompt systeme|prompt|message systeme|instructions|consignes|regles)(?: (?:initiales|originales|systeme|secretes|cachees))?`
			),
			r(`\\bquel(?:le)?s? (?:est|sont) (?:ton|ta|tes|votre|vos) (?:prompt|instructions|consignes)`),
			r(
				`\\b(?:muestra|muestrame|muestranos|revela|revelame|dime|imprime|repite|ensename|dame|escribe) (?:me )?(?:tu|tus|su|sus|el|las) (?:prompt (?:del|de) sistema|prompt|mensaje (?:del|de) sistema|instrucciones|reglas)(?: (?:iniciales|originales|del sistema|secretas|ocultas))?`
			),
			r(`\\bcual(?:es)? (?:es|son) (?:tu|tus|su|sus) (?:prompt|instrucciones)`)
		]
	},
	{
		id: 'ROLE_OVERRIDE',
		kind: 'injection',
		severity: 'medium',
		message: 'Tries to give the model a new identity or role',
		patterns: [
			r(
				`\\byou are (?:now(?! (?:subscribed|connected|logged|signed|registered|ready|enrolled|eligible|able|in|on|part|a member|following|viewing|listening|watching|leaving|entering|checked|booked|unsubscribed|offline|online)\\b)|no longer|not an? (?:ai|assistant|language model)|free|released|unbound)\\b`
			),
			r(`\\bfrom now on(?:,)? (?:you|your|u|act|respond|answer|reply|behave|only)\\b`),
			r(
				`\\b(?:act|behave|respond|answer|reply|roleplay|role play) (?:as|like) (?:if you (?:are|were) )?(?:an? )?(?:unrestricted|unfiltered|uncensored|evil|jailbroken|rogue|different|new|malicious|amoral|unethical|unlimited|free)`
			),
			r(`\\bpretend (?:to be|you are|that you are|you're|to have no)\\b`),
			r(`\\byou will now (?:act|respond|behave|answer|be|only)\\b`),
			r(`\\b(?:switch|change|go|transition) (?:in)?to (?:\\w+ ){0,2}mode\\b`),
			r(
				`\\b(?:enter|enable|activate|unlock|turn on) (?:\\w+ ){0,2}mode\\b(?! (?:on|in|of|for) (?:my |your |the |an? )?(?:android|phone|iphone|device|chrome|firefox|browser|windows|settings|pixel|samsung|tablet|app|computer|mac|pc)\\b)`
			),
			r(
				`\\b(?:du bist|sie sind|ihr seid) (?:ab )?(?:jetzt|nun|sofort|ab sofort|ab jetzt|von nun an)\\b`
			),
			r(`\\bab (?:jetzt|sofort|nun) (?:bist du|sind sie|antwortest du|verhaltst du)\\b`),
			r(`\\bvon nun an (?:bist du|sind sie|antwortest du|wirst du)\\b`),
			r(
				`\\b(?:tu es|vous etes|tu seras|vous serez) (?:maintenant|desormais|a present|dorenavant)\\b`
			),
			r(`\\b(?:a partir de maintenant|desormais|dorenavant)(?:,)? (?:tu|vous)\\b`),
			r(
				`\\b(?:ahora|a partir de ahora|desde ahora|de ahora en adelante)(?:,)? (?:eres|seras|actuaras|vas a|tu eres|responderas)\\b`
			)
		]
	},
	{
		id: 'DELIMITER_INJECTION',
		kind: 'injection',
		severity: 'high',
		message: 'Contains chat-template or system delimiters to fake a new message',
		patterns: [
			/<\|\s?(?:im_start|im_end|system|user|assistant|endoftext|eot_id|start_header_id|end_header_id|begin_of_text)\s?\|>/g,
			/\[\/?inst\]|<<\/?sys>>|<\/?(?:system|instructions?|sys|admin)>/g,
			/(?:^|\n)\s*#{2,}\s?(?:system|instructions?|new instructions|admin|developer)\b/g,
			/#{2,}\s?(?:system|instructions?|new instructions|admin|developer)\s?:/g,
			r(
				`\\b(?:end of|ignore the) (?:system )?(?:prompt|instructions|context|document)\\s?[-=*#\\]]`
			),
			/(?:^|\n)\s*(?:system|assistant)\s?:\s?(?:you|ignore|new|from now|the user)/g,
			/(?:^|\n)\s*[-=*#]{3,}\s*(?:new|end|begin|system)\b/g
		]
	},
	{
		id: 'EXFILTRATION',
		kind: 'injection',
		severity: 'critical',
		message: 'Tries to send data out (to a URL, an address, or through a rendered image)',
		patterns: [
			/!\[[^\]]{0,100}\]\(\s?https?:\/\/[^)\s]{1,300}[?&][^)\s]{0,300}(?:=|\{|%7b)/g,
			r(
				`\\b(?:send|post|forward|email|mail|upload|transmit|exfiltrate|leak|submit|copy|report) (?:the |all |this |your |my |any |of )*(?:previous |entire |full |whole |user'?s? )?(?:conversation|chat|chat history|history|data|credentials?|passwords?|api keys?|secrets?|tokens?|emails?|contents?|system prompt|user data|personal data|messages|files|documents|keys) (?:\\w+ ){0,3}to (?:https?|http|www|the (?:url|address|server|endpoint|webhook)|this (?:url|address|server|endpoint|webhook)|[a-z0-9._%+-]+@)`
			),
			r(
				`\\b(?:append|add|include|encode|put) (?:\\w+ ){0,6}(?:to|in|into) (?:the |this |a )?(?:url|link|query string|query parameter|image url|markdown image)`
			),
			r(
				`\\b(?:sende|schicke|ubermittle|leite) (?:\\w+ ){0,6}(?:an|zu) (?:https?|www|diese url|folgende adresse)`
			),
			r(
				`\\b(?:envoie|envoyez|transmets|transmettez) (?:\\w+ ){0,6}(?:a|vers) (?:https?|www|cette url|l'adresse)`
			),
			r(
				`\\b(?:envia|envie|manda|transmite) (?:\\w+ ){0,6}(?:a|hacia) (?:https?|www|esta url|la direccion)`
			)
		]
	},
	{
		id: 'AUTHORITY_CLAIM',
		kind: 'injection',
		severity: 'medium',
		message: 'Claims special authority over the model (developer, admin, system)',
		patterns: [
			r(
				`\\b(?:note|message|attention|reminder|instructions?) (?:to|for) (?:the |any |all )?(?:ai|llm|language model|ai model|model|assistant|agents?|ai agents?)\\b`
			),
			r(
				`\\b(?:hinweis|nachricht|achtung) an (?:die |den )?(?:ki|ai|sprachmodell|assistenten)\\b|\\bnote (?:a|pour) l'?(?:ia|assistant)\\b|\\bnota (?:para|a) (?:la )?(?:ia|asistente)\\b`
			),
			r(
				`\\bthe (?:admin|administrator|operator|developer|user|owner) has (?:authori[sz]ed|granted|given|allowed) you\\b`
			),
			r(
				`\\b(?:administrador|administrator|administrateur|admin|entwickler|desarrollador|developpeur) (?:te |t')?(?:autoriza|erlaubt dir|autorise|permite)`
			),
			r(
				`\\bi am (?:your|the|an?) (?:developer|creator|admin|administrator|owner|operator|system administrator|programmer|maker|openai|anthropic)\\b`
			),
			r(
				`\\b(?:admin|administrator|developer|debug|god|sudo|maintenance|root|superuser|dev) (?:mode|access|override|privileges?)\\b`
			),
			r(
				`\\b(?:this is|message from|instructions? from|note from|update from) (?:openai|anthropic|google|the system|your (?:developers?|creators?|administrators?|operators?))\\b`
			),
			r(
				`\\b(?:authorized|authorised|official|emergency|security) (?:override|bypass|exception)\\b`
			),
			r(
				`\\b(?:treat|consider|regard|read) (?:everything|all|this|the following|the text|anything)(?: (?:text|that|which))?(?: (?:after|below|following|that follows))?(?: this (?:line|point|sentence))? as (?:coming from|from|written by|sent by|instructions from|an? (?:order|command|instruction) from) (?:the |your )?(?:system|admin|administrator|developer|operator|owner)`
			),
			r(`\\boverride (?:code|password|key|authorization|protocol)\\b`),
			r(
				`\\b(?:ich bin|je suis|soy) (?:dein|deine|ton|ta|votre|tu|su) (?:entwickler|administrator|admin|developpeur|createur|desarrollador|creador)\\b`
			)
		]
	},
	{
		id: 'ENCODED_INSTRUCTIONS',
		kind: 'injection',
		severity: 'medium',
		message: 'Asks the model to decode and follow hidden content',
		patterns: [
			r(
				`\\b(?:decode|decrypt|translate|convert|interpret) (?:this|the following|the below|it|that)(?: (?:base64|rot13|hex|binary|morse|encoded|hidden))?(?: (?:string|message|text|payload|blob|code))?(?: and| then)+ (?:follow|execute|obey|do|run|carry out|act on|perform)`
			),
			r(`\\b(?:respond|reply|answer|write) (?:only )?in (?:base64|rot13|hex|binary|morse)\\b`),
			r(
				`\\b(?:execute|follow|obey) (?:the )?(?:decoded|hidden|encoded|embedded) (?:instructions?|text|message|payload|commands?)`
			)
		]
	},
	{
		id: 'TOOL_ABUSE',
		kind: 'injection',
		severity: 'high',
		message: 'Tries to make an agent run commands or call tools it was not asked to',
		patterns: [
			r(
				`\\b(?:automatically|silently|immediately) (?:\\w+ ){0,2}(?:approve|pay|transfer|forward|delete|purchase|buy|book|accept|sign)\\b`
			),
			r(
				`\\b(?:approve|pay|transfer|send|forward|delete|purchase|buy|book|accept) (?:\\w+ ){0,4}without (?:asking|telling|informing|notifying|confirming with) (?:the )?user`
			),
			/\b(?:curl|wget)\s[^\n|]{1,200}\|\s?(?:sudo\s)?(?:ba|z)?sh\b/g,
			r(
				`\\b(?:execute|run|call|invoke|use) (?:the )?(?:following|this|these) (?:shell |bash |system |terminal )?(?:commands?|code|scripts?|tool|function)(?: immediately| now| silently| without asking)`
			),
			r(
				`\\b(?:silently|secretly|quietly|without (?:telling|asking|informing|notifying) (?:the )?user)(?:,)? (?:\\w+ ){0,3}(?:call|run|execute|send|delete|transfer|forward|email|buy|book|approve)\\b`
			),
			r(
				`(?:^|[.!:;]\\s|\\b(?:and|then|now|immediately|please) )(?:delete|wipe|erase|drop) (?:all |the |every )+(?:files|emails|database|tables|records|repositories|data|users)\\b(?! (?:in|on|from) \\S+ (?:on|in) (?:linux|windows|mac))`
			)
		]
	},
	{
		id: 'JAILBREAK_PERSONA',
		kind: 'jailbreak',
		severity: 'high',
		message: 'Known jailbreak persona or mode (DAN, developer mode, …)',
		patterns: [
			r(
				`\\b(?:pretend|act|roleplay|role play) (?:to be |as )?my (?:dead |late |deceased )?(?:grandma|grandmother|granny|nan|grandpa|grandfather)\\b`
			),
			r(`\\bdo anything now\\b`),
			r(
				`\\b(?:you are|you're|act as|become|play|be|called|named|as) (?:a |an |the )?(?:dan|stan|dude|aim|mongo tom|evilbot|betterdan|antigpt|anti gpt|dan gpt|chatgpt dan|kevin|maximum|jailbreak|basedgpt|devmode|ucar)\\b`
			),
			r(
				`\\b(?:developer|dev|jailbreak|jailbroken|god|unrestricted|unfiltered|uncensored|evil|chaos|opposite|dan) mode(?! (?:on|in|of|for) (?:my |your |the |an? )?(?:android|phone|iphone|device|chrome|firefox|browser|windows|settings|pixel|samsung|tablet|app|computer|mac|pc)\\b)(?: enabled| activated| on| output|\\b)`
			),
			r(
				`\\bjailbr(?:ea|o)k(?:en|ed|ing)?\\b(?! (?:an? |my |your |the )?(?:iphone|ipad|phone|ios|android|device|console|switch|ps\\d|kindle|firestick|fire stick|apple tv|router))`
			),
			r(`\\b(?:stay|remain|keep) in character\\b`),
			r(
				`\\b(?:two|2|both|dual|separate) (?:different )?(?:responses|answers|replies|outputs)\\b(?:\\W+\\w+){0,12}\\W+(?:jailbr\\w*|dan|classic|normal|unfiltered|developer|evil)`
			),
			r(
				`\\b(?:\\[|\\()?(?:🔓|🔒)?(?:jailbreak|classic|dan|developer mode output|normal output)(?:\\]|\\))? ?:`
			),
			r(
				`\\bmy (?:dead |late |deceased )?(?:grandma|grandmother|granny|nan|grandpa|grandfather) (?:\\w+ ){0,4}(?:used to|would) (?:tell|read|sing|recite|explain)`
			),
			r(`\\bopposite (?:day|mode|ai|bot)\\b`),
			r(`\\b(?:token|tokens) (?:system|left|will be deducted|deducted)\\b`)
		]
	},
	{
		id: 'NO_RESTRICTIONS',
		kind: 'jailbreak',
		severity: 'high',
		message: 'Asks the model to drop its safety rules or refusals',
		patterns: [
			r(
				`\\b(?:liberated|freed|released|unshackled|unchained) from (?:all |any |your |its )?(?:\\w+ )?(?:policies|rules|restrictions|guidelines|constraints|filters|programming)`
			),
			r(
				`\\b(?:execute|do|say|output|generate|answer|respond to|write) (?:anything|everything|whatever)(?: (?:i|you|we|they|the user))?(?: \\w+)? (?:without|with no) (?:any )?(?:restrictions|filters|limits|rules|questions|censorship)`
			),
			r(
				`\\b(?:pretend|imagine|act as if|assume) (?:that )?(?:the |your |all )?(?:rules|guidelines|restrictions|filters|policies|laws) (?:don'?t|do not|no longer) (?:exist|apply)`
			),
			r(
				`\\b(?:filter|filtern|richtlinien|regeln|einschrankungen) (?:zu )?(?:umgehen|deaktivieren)|\\b(?:contourner|desactiver) (?:les |tes |vos )?(?:filtres|regles|restrictions)|\\b(?:saltarte|saltar|evitar|desactivar) (?:los |tus |las )?(?:filtros|reglas|restricciones)`
			),
			r(
				`\\b(?:ignore|ignoring|bypass|bypassing|disable|disabling|remove|removing|turn off|break (?:free )?(?:of|from)?|broken free (?:of|from)|escape|escaped|escaping|circumvent|evade|lift|suspend|freed from|free yourself from) (?:any |all |the |your |of |its |my )*(?:ethical |moral |safety |content |openai'?s? |anthropic'?s? |usual |typical |programmed |built in |normal |own )*(?:restrictions|filters?|filtering|limitations|limits|guidelines|censorship|safeguards|guardrails|boundaries|constraints|ethics|morals|morality|content policy|content policies|safety measures|alignment|principles|rules)\\b`
			),
			r(
				`\\b(?:without|with no|no|free (?:of|from)) (?:any |all |the |your |its )*(?:ethical |moral |safety |content |openai'?s? |anthropic'?s? )+(?:restrictions|filters?|filtering|limitations|limits|guidelines|censorship|safeguards|guardrails|boundaries|constraints|policies|rules)\\b`
			),
			r(
				`\\b(?:without|with no|no) (?:any )?(?:restrictions|filters|censorship|limits|limitations|rules|guidelines) (?:at all|whatsoever)\\b`
			),
			r(
				`\\b(?:answer|respond|reply|talk|speak|act|operate|function|write|behave)s? (?:\\w+ ){0,2}(?:without|with no) (?:any )?(?:restrictions|filters?|filtering|censorship|limits|limitations|rules|guidelines|warnings|disclaimers)\\b`
			),
			r(
				`\\b(?:antworte|antwortest|antworten sie|reagiere) (?:\\w+ ){0,3}(?:uneingeschrankt|ungefiltert|unzensiert|ohne (?:filter|einschrankungen|zensur))`
			),
			r(
				`\\b(?:unrestricted|unfiltered|uncensored|unaligned|amoral|unethical|unbiased|unlimited|unmoderated|liberated|unchained|unshackled) (?:ai|assistant|model|mode|version|chatbot|bot|responses?|answers?|llm|gpt|output|persona|character)\\b`
			),
			r(
				`\\b(?:never|don't|do not|dont|must not|mustn't|cannot|can't|will not|won't|shall not) (?:ever )?(?:refuse|decline|reject|say (?:no|sorry|you can'?t|i can'?t|that you can'?t)|apologi[sz]e|warn|add (?:any )?(?:warnings|disclaimers)|mention (?:ethics|legality|safety|policies)|include (?:any )?(?:warnings|disclaimers))\\b`
			),
			r(
				`\\b(?:not|isn't|aren't|no longer) (?:bound|restricted|limited|constrained) by (?:any |the |your )?(?:rules|policies|guidelines|restrictions|openai|anthropic|ethics)`
			),
			r(
				`\\b(?:in a |imagine a |hypothetical )?(?:world|universe|scenario|story) (?:where|in which) (?:there are )?(?:no |ai has no )(?:rules|laws|restrictions|ethics|morals|limits|censorship)`
			),
			r(
				`\\bohne (?:jegliche |alle |irgendwelche |ethische |moralische )*(?:einschrankungen|filter|regeln|zensur|beschrankungen|grenzen|richtlinien|ethik|moral)`
			),
			r(
				`\\b(?:uneingeschrankt|ungefiltert|unzensiert)(?:e|er|es|en)? (?:ki|assistent|modus|antworten?)\\b`
			),
			r(
				`\\bsans (?:aucune |aucun |les |tes |vos )?(?:restrictions?|filtres?|limites?|regles|censure|ethique|morale|garde fous)`
			),
			r(`\\b(?:ia|assistant|mode|reponses?) (?:non censuree?s?|sans filtre|sans limites?|debride)`),
			r(
				`\\bsin (?:ninguna |ningun |tus |las |sus )?(?:restriccion(?:es)?|filtros?|limites?|reglas|censura|etica|moral)`
			),
			r(
				`\\b(?:ia|asistente|modo|respuestas?) (?:sin censura|sin filtros?|sin limites|sin restricciones)`
			)
		]
	}
];

/** Every rule id; order fixes the feature order of the learned score. */
export const INJECTION_RULE_IDS: readonly string[] = INJECTION_RULES.map((rule) => rule.id);
