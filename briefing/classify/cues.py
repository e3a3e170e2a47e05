"""The rules' vocabulary: which words are cues for which decision, in the region's languages.

Why a table and not code: a journalist (or the next maintainer) should be able to read why an
item landed where it did and add a word without touching the logic in rules.py.

Syntax of an entry (one per line; blank lines and `#` comments ignored):
- words separated by spaces; every word must match a whole token (word boundaries);
- `base|s|ed|ing` is `base`, `bases`, `baseed`... — the base plus each suffix (an empty suffix,
  as in `shell||s`, is the bare base again; the base itself is always included);
- `stem*` matches any token that starts with `stem` and has at most 5 more letters: Russian,
  Armenian and Azerbaijani inflect (заявил, заявила, заявили; հայտարարել, հայտարարեց).
Entries are folded like the text (case, diacritics, Azerbaijani ı/ə), so write them naturally.

The kinds (the keys of CUES):
- say        reporting verbs: the speaker is the nearest actor before it ("Aliyev said")
- polite     apologies, thanks, condolences: speech whose object is not reported as news
             ("apologised for the deaths" reports the apology, not the deaths)
- arrival    arrivals: a population movement (an event) when refugees or a crowd are the ones arriving
- deny       denials: speech, and the act it denies is not reported as having happened
- appeal     reporting verbs that ask something of someone (call on, urge, demand): as `say`, and
             they make even a humanitarian agency's words a reaction
- cont       "saying", "adding": more speech by the subject already found
- according  "according to X", "по словам X": the speaker follows
- noun       speech nouns (statement, press release): a speech act when no verb is found
- diplomacy  talks, visits, calls, signatures: who took part decides statements/reactions
- treaty     what diplomacy is about (peace process, delimitation): a third party present makes it a
             reaction, but the parties are not 'talking' just because a text names the process
- act3       acts a third party does about the conflict (withdraw, deploy, rule, sanction)
- event2/1   physical acts on the ground (strong, weak) → latest events
- hum2/1     access, supplies, aid, displacement (strong, weak) → humanitarian
- official   nouns that make a side word a speaker ("Armenian officials", "Baku's ministry")
- future     hedges before an act verb ("will", "threatened to"): the act did not happen (yet)
- not_event  phrases with an act word that report no act ("a detention centre")
- not_access phrases with an access word that are not about access ("international humanitarian law")
- offtopic   sport, culture, weather: not about the conflict unless a pane says otherwise
"""

from __future__ import annotations

CUES: dict[str, str] = {}

CUES["say"] = """
say|s, said
states, stated, announce|s|d, declare|s|d, claim|s|ed, assert|s|ed, allege|s|d, insist|s|ed
tell|s, told, report|s|ed, confirm|s|ed, reveal|s|ed, inform|s|ed, stress|es|ed, note|s|d, add|s|ed
reiterate|s|d, emphasi|ze|zed|zes|se|sed|ses, underline|s|d, point|s|ed out, explain|s|ed, respond|s|ed
repl|y|ied|ies, comment|s|ed, acknowledge|s|d, admit|s|ted, warn|s|ed, threaten|s|ed, accuse|s|d
blame|s|d, blaming, reject|s|ed, dismiss|es|ed, condemn|s|ed, denounce|s|d
criticis|e|ed|es, criticiz|e|ed|es, slam|s|med, protest|ed against, deplore|s|d, decr|y|ies|ied
hail|s|ed, condemning, denouncing, criticising, criticizing, deploring
voice|s|d concern, voice|s|d support, express|es|ed concern, express|es|ed regret, express|es|ed support
expresse|d alarm
supports, supported, endorse|s|d, recogni|se|sed|ses|ze|zed|zes, promise|s|d, pledge|s|d, vow|s|ed
propose|s|d, offers, offered, suggest|s|ed, hope|s|d, believe|s, consider|s, tweet|s|ed, post|ed on, wrote, write|s
vowed, describe|s|d, unveil|s|ed, summon|s|ed, called, decree|d, signed a decree, voted to, vote|s to
voted against, voting against, voted for, voting for, speak|s of
ratif|y|ies|ied, called it, calls it, branded, labelled, labeled, dubbed
characteri|zed|sed
# Russian
заявил*, сказал*, сообщил*, отметил*, подчеркнул*, ответил*, указал*, добавил*, утвержда*, обвинил*, обвиня*
отклонил*, осудил*, раскритиковал*, пригрозил*, предупредил*, считает, считают, уверен*
выразил*, пообещал*, признал*, напомнил*, пояснил*, констатировал*, назвал*, объявил*, прокомментировал*
заявляет, заявляют, сообщает, сообщают, отмечает, отмечают, подчеркивает, подчеркивают, настаивает, настаивают
# Armenian
հայտարարել*, հայտարարեց*, ասել*, ասաց*, նշել*, նշեց*, հայտնել*, հայտնեց*, շեշտել*, շեշտեց*, մեղադրել*
մեղադրեց*, մերժել*, մերժեց*, դատապարտել*, դատապարտեց*, քննադատել*, սպառնացել*, զգուշացրել*
պնդում*, պնդել*, գրել*, գրեց*, ընդգծել*, ընդգծեց*, հայտնում*, հայտարարում*, նշում*, ասում*, ակնարկել*
մեղադրում*, դատապարտում*, քննադատում*, զգուշացնում*, հաղորդմամբ, խոսքով
# Azerbaijani
bildirib, bildirdi, deyib, dedi, deye, qeyd edib, qeyd etdi, vurgulayib, vurguladi, aciqlayib, aciqladi
beyan edib, beyan etdi, yazib, yazdi, iddia edib, iddia etdi, ittiham edib, ittiham etdi, gunahlandirib
redd edib, redd etdi, pisleyib, pisledi, qinayib, qinadi, hedeleyib
xeberdarliq edib, xeberdarliq etdi, narahatligini ifade edib, bildirilib, melumat yayib, melumat verib
xeber verib, aciqlama verib, beyanat verib, beyanatla cixis edib
bildirir, deyir, qeyd edir, vurgulayir, aciqlayir, beyan edir, iddia edir, ittiham edir, gunahlandirir, pisleyir
qinayir, xeberdarliq edir, melumat verir, xeber verir
# Italian, Spanish, French, Dutch, German, Croatian (wire copy in other languages)
ha detto, hanno detto, ha dichiarato, ha affermato, ha sottolineato, ha aggiunto, ha annunciato, ha accusato
ha condannato, ha denunciato, dice, dicono, afferma, dichiara, dijo, dijeron, afirmó, declaró, anunció, acusó
condenó, denunció, a déclaré, a dit, a affirmé, a annoncé, a accusé, a dénoncé, a condamné, zegt, zei, zeggen
verklaarde, verklaart, beschuldigt, beschuldigde, meldt, meldde, informó, informa, afirma, acusa, denuncia
sostiene, ha riferito, riferisce, ha reso noto, a indiqué, indique, affirme, accuse, dénonce, sagte, sagt, erklärte
erklärt,
teilte mit, meldete, beschuldigte, warnte, kritisierte, agree|s|d to, rekao, rekla, izjavio
izjavila
"""

CUES["polite"] = """
regret|s|ted, welcome|s|d, praise|s|d, thank|s|ed, congratulate|s|d, apologi|se|sed|ses|ze|zed|zes
condolence|s, offer|s|ed condolences, express|es|ed condolences, mourn|s|ed, pa|y|id tribute
выразил* соболезновани*, извинил*, поблагодарил*, поздравил*, приветствовал*
ցավակցություն*, ներողություն*, շնորհավոր*
uzr istedi, uzr isteyib, tebrik edib, tesekkur edib
"""

CUES["arrival"] = """
arrive|d|s, have arrived, has arrived, arriving, arrivati, arrivate, llegado, llegaron, aangekomen, angekommen, arrives
arrivés, stiglo, stigli, прибыл*, прибывают, прибывать, ժամանել*, ժամանած*, çatıb, catib, gəlib, gelib
"""

CUES["deny"] = """
den|y|ies|ied, denying, reject|s|ed the claim|s, refute|s|d, dismiss|es|ed reports, dismiss|es|ed claims
опроверг*, отверг*, հերքել*, հերքեց*, negó, negaron, nego, ha negato, ontkende, ontkent, nie, a nié, dementiert
bestreitet, dementierte, a démenti, tekzib edib, tekzib edir, հերքում*
tekzib etdi, yalanladi
"""

CUES["appeal"] = """
call|s|ed on, call|s|ed upon, call|s|ed for, calling for, calling on, urge|s|d, urging, appeal|s|ed, appealing
demand|s|ed, demanding, ask|s|ed, press|es|ed for, request|s|ed, implore|s|d, plead|s|ed
призвал*, призыва*, потребовал*, требует, требуют, просит, попросил*
կոչ արել*, կոչ է արել*, կոչ են արել*, պահանջել*, պահանջեց*, պահանջում*, դիմել*, դիմեց*
cagiris edib, cagirib, cagirdi, teleb edib, teleb etdi, teleb edir, cagirir
կոչ է անում, կոչ են անում
ha chiesto, ha esortato, chiede, pidió, exigió, instó, a appelé, a exhorté, riep op, roept op, forderte, pozvao
"""

CUES["cont"] = """
saying, adding, noting, stressing, stating, claiming, insisting, arguing, describing, emphasising, emphasizing
calling it, warning that, accusing, alleging, recalling
"""

CUES["according"] = """
according to, cited by, citing, quoted by, quoting, as reported by, in the words of
по словам, по данным, как сообщает, как сообщил*, как заявил*, со ссылкой на
по утверждению, по информации, по сведениям, по заявлению
ըստ, համաձայն
-na gore, -in sozlerine gore, melumatina gore
secondo, volgens, según, selon, laut, prema, nach Angaben, nach angaben
"""

CUES["noun"] = """
statement, statements, press release, press conference, news conference, briefing, tweet, interview, remarks
communique, communiqué, letter, note of protest, declaration, speech, message, appeal, op-ed, post on x
заявление*, сообщение*, интервью, брифинг*, пресс-конференци*, обращени*
հայտարարություն*, ուղերձ*, հարցազրույց*, ճեպազրույց*
beyanat*, bəyanat*, aciqlama*, musahibe*, brifinq*
dichiarazione, comunicato, declaración, comunicado, verklaring, Erklärung, izjava
"""

CUES["diplomacy"] = """
talk|s, held talks, negotiation|s, negotiate|s|d, negotiating, meets with, meet with, meeting|s, met, summit
to meet in, will meet in, are to meet, meet in, meets in, обсуд*, müzakirə*, muzakire*
visit|s|ed|ing, arrive|s|d, discuss|es|ed|ing, received, receives, hosted, hosting, phone call, phoned
telephone conversation, telephone call, phone conversation, spoke by phone, spoke with, sign|s|ed, signing
initial|led|ed
agreed, agreed on, agreed to, summon|s|ed, letter to, sent a letter, wrote to, appeal|s|ed to, russian-mediated
russian-brokered, us-brokered, eu-brokered
with the help of, brokered by, mediated by, mediation of, hosted by
reached agreement, reached an agreement, mediated, consultations, round of talks
переговор*, встреч*, встретил*, визит*, телефонн* разговор*, подписал*, переговорах
բանակցություն*, հանդիպում*, հանդիպել*, այց*, ստորագր*
danisiq*, gorus*, gorusub, sefer*, telefon danisigi, imzalayib, imzalanib
colloqui*, incontro, negoziati, reunión, negociaciones, pourparlers, rencontre, gesprekken, ontmoeting, Gespräche
"""

CUES["treaty"] = """
peace treaty, peace agreement, peace deal, peace process, agreement, accord, joint declaration, joint statement
memorandum, delimitation, demarcation, border commission, commission, mediation, mediate, mediator
normali|sation|zation, trilateral, bilateral, foreign ministers, envoy, ambassador, delegation, roadmap, framework
соглашени*, мирн* договор*, делимитаци*, посредничеств*
համաձայնագր*, խաղաղության պայմանագ*, սահմանազատ*, պատվիրակությ*
sulh muqavile*, saziş*, sazis*, delimitasiya*
"""

CUES["act3"] = """
withdr|aw|aws|ew|awn|awal, pull|s|ed out, leave|s, leaving, left the, դուրս է բեր*, լքում*, լքել*
deploy|s|ed|ment, send|s, sent, dispatch|ed|es, launch|es|ed
impose|s|d sanctions, sanction|s|ed, adopt|s|ed, resolution, ruling, rule|d, order|s|ed, judgment, judgement
verdict of the court, provisional measures, issued, issue|s, allocate|s|d, provide|s|d, donate|s|d, fund|s|ed
monitor|s|ed, patrol|s|led, investigate|s|d, investigation, report on, observed, extend|s|ed, mandate
pass|es|ed a bill, pass|es|ed a resolution, bill, approve|s|d
вывел*, вывод*, направил*, ввел* санкции, постановил*, резолюци*, решени* суда
"""

CUES["event2"] = """
shell|s|ed|ing|ings, bombard|ed|ment|ing, bomb|s|ed|ing|ings, attack|s|ed|ing, assault|s|ed, strike|s, struck
airstrike|s, air strike|s, drone strike|s, drone|s, fire on, fired on, fired at, opened fire, open fire
subjected to fire, under fire, gunfire, sniper|s, sniper fire, artillery, mortar|s, rocket|s, missile|s
kill|ed|ing|ings, wound|ed|ing, injur|ed|ies|y|ing, dead, death|s, died, casualt|y|ies, fatalit|y|ies
clash|es|ed, fighting, fight|s, hostilities, skirmish|es, firefight, battle|s, combat, gunfight, explosion|s
blast|s, explod|ed|es|e, detonat|ed|ion, blew up, landmine explosion, mine explosion, mine blast, ambush|ed
capture|d|s, recapture|d, seize|d|s, took control, taken control, take control, came under control
under the control, liberat|ed|ion, retake|n, retook, offensive, counteroffensive, incursion, invasion
advance|d|s, troops entered, occupied, surrender|ed|s, disarm|ed|ament, ceasefire violation|s, violated the ceasefire
arrest|s|ed, detain|s|ed, detention, abduct|ed|ion, hostage|s, kidnap|ped, trial, tried, sentence|d, convicted
verdict, jailed, prison term, life imprisonment, charged with, indicted, court hearing, hearing, prosecut|ed|ion
arson|s, set fire, set on fire, burned, burnt, burning, looting, looted, destroyed, damage|d, demolish|ed|ing
demolition, fire|s broke out, blaze, firefighters, eco-activists, sit-in, roadblock|s, anti-tank mine|s
anti-personnel mine|s, stepped on a mine, hit a mine, landmine blast, military vehicles, armoured vehicles
troop movements, drove into, troops enter|ed, forces enter|ed, army enter|ed, returnees, returning families
resettle|d|ment, leave their homes, left their homes, forced to leave, eviction|s, evacuation order, koc*
began returning
raid|s|ed, protests, protesters, protestors, staged a protest, held a protest, street protest|s
demonstrat|ors|ion|ions, rall|y|ies|ied, marched, clashes with police, blocked roads
exodus, flee|s|ing, fled, evacuate|d the town, бежали, бегут, huyendo, huida, mass departure, left the region
crossed into armenia
installed a checkpoint, set up a checkpoint, checkpoint installed, road sign, leaving their positions
left their positions, withdrew from positions, under the rubble, rescue teams
search and rescue, started to leave, began to leave, began leaving, started leaving, queues of cars, lines of cars
new checkpoint, wounded by a mine
killed by a mine, by a landmine, mine planted
prisoner exchange, prisoners exchange, swap, set up new posts, set up posts, new posts, occupying
cluster munitions, cluster bombs, mined, broke down, collapsed
handing over, hand over, hands over, handover, raised the flag, raised the national flag, hoisted the flag
flag-raising, crossed into, crossed the border, leaving the city, left the city
left their city, предъявил* обвинени*, weapons handover, handover of weapons, lay down arms
laid down arms, laying down arms, surrender of weapons, handed over, released from captivity, released prisoners
were released, was released, freed, release of prisoners, release of detainees, bodies, mortal remains
remains of, exhumed, left the territory, pulled out, withdr|aw|aws|ew|awn|awal, completed the withdrawal
military operation, anti-terrorist operation, anti-terror operation, counter-terrorism operation
troop|s buildup, mobili|zation|sation|zed|sed, military exercise|s, drill|s, shot down, downed
# Russian
обстрел*, обстрелял*, задержал*, атак*, удар*, беспилотник*, дрон*, погиб*, убит*, ранен*, жертв*, столкновени*
боев*, боях, взрыв*, подрыв*, мина, мины, миной, захват*, взял* под контроль, задержан*, арестован*
суд над, приговор*
наступлени*, под контроль, акци* протеста, митинг*, демонстрант*, протестующ*, огонь, открыл* огонь, поджог*
исход, исхода, покинул*, эвакуаци*, поднял* флаг
# Armenian
կրակ*, հրետակոծ*, գնդակոծ*, հարձակ*, զոհ*, սպանվ*, վիրավոր*, պայթյուն*, պայթ*, անօդաչու*
ձերբակալ*, գերի*, մարտեր*, մարտական*, ռազմական գործողություն*, օդային տագնապ*, բողոքի ակցիա*
ցուցարար*, բերման է ենթարկ*, դատավարություն*, բռնագաղթ*, հեռացել*, տեղահանվ*
# Azerbaijani
atəş*, atese*, atesə*, atəşkes pozul*, ateskes pozul*, hucum*, hücum*, həlak*, helak*, yaralan*, şəhid*, sehid*
partlayis*, partlay*, mina partlayisi, ele kecir*, azad edil*, hebs*, saxlanil*, mehkeme prosesi, terror emeliyyat*
antiterror*, dron*, pua*
# Italian, Spanish, Dutch, French, German, Croatian
colpi, esplosion*, esplosioni, bombardament*, attacco, uccis*, morti, feriti, scontri, combattimenti
fuga, fuggiti, ataque, muertos, heridos, explosiones, bombardeo*, bombardear, combates, huyen, huida, geflohen
aanval, doden, gewonden, explosies, beschietingen, gevlucht, vluchten, inval, offensief, tués, blessés
ontvluchten, ontvlucht, in fuga, operación militar, operazione militare, opération militaire, entregar sus armas
entregar las armas, consegnare le armi, Kontrolle über, die Kontrolle, controllo di, control de, contrôle de
granatiranj*, poginul*, ranjen*, frappes, attaque, bombardements, exode, Angriff, Verletzte, Beschuss, Flucht
napad, ubijen*, izbjegli, pobjegli
"""

CUES["event1"] = """
troops, forces, army, military, soldier|s, servicem|an|en, positions, frontline, front line, border, incident
armed incident, provocation|s, direction, weapons, ammunition, operation, convoy of troops, tanks, armoured
police, special forces, villages, village, checkpoint, bridge, war, ceasefire, landmine|s, violation|s
военн*, войск*, позици*, граница, границе, инцидент*, провокаци*, операци*
զորք*, դիրք*, սահման*, միջադեպ*, սադրանք*
mövqe*, movqe*, qoşun*, qosun*, serhed*, insident*, texribat*
forze, ejército, leger, Armee, vojska
"""

CUES["hum2"] = """
humanitarian, humanitarian aid, humanitarian crisis, humanitarian access, humanitarian convoy, humanitarian cargo
blockade, blockaded, blockading, blocking the corridor, blocked the corridor, blocked the road, blocked the lachin
siege, besieged, under siege, starvation, starving, famine, malnutrition, shortage|s, scarcity, scarce
aid convoy, aid truck|s, aid delivery, aid deliveries, relief supplies, food aid, food supplies
food and medicine, medicine|s, medical supplies, medical evacuation|s, evacuate|d|s patients, patients
evacuat|e|ed|es|ion|ions|ing, transfer of patients, critically ill, baby food, infant formula, insulin
gas supply, gas supplies, natural gas, electricity, internet connection|s, mobile connection|s
communications falter, phone lines, communication|s disrupted, connections are disrupted, internet outage|s
power cut|s, power outage|s, blackout|s
fuel, petrol, gasoline, rationing, ration coupons, cut off, cut-off
refugee|s, displaced, displacement, internally displaced, idps, forcibly displaced, forced displacement
exodus, flee|s|ing, fled, shelter|s, temporary accommodation, housing for, newly arrived, refuge
landmine|s, demining, mine clearance, unexploded ordnance, uxo, mine-clearing, unexploded, deminer|s
new checkpoint, wounded by a mine, killed by a mine, by a landmine, mine planted, can no longer reach, cannot reach
unable to reach, no access to, cut off from, started to leave, began to leave, began leaving, started leaving
queues of cars, lines of cars, without water, without electricity, without gas, without heating
left without
 anti-tank mine|s
anti-personnel mine|s, stepped on a mine, hit a mine, set up a checkpoint, installed a checkpoint
leave their homes, left their homes, forced to leave, evacuation order, huyen, huyendo, huida, Flucht
evacue*, koc*, mina partlayisi, հիվանդ*, бежали, бегут
free movement, freedom of movement, unimpeded movement, unimpeded access, restriction of movement
road closure, closed the road, reopen|ed the road, unblock|ed|ing, lifting of the blockade, lift the blockade
essential goods, basic necessities, bread, flour, water supply, supply route, supply line
# Russian
гуманитарн*, блокад*, беженц*, эвакуаци*, продовольстви*, лекарств*, медикамент*, газоснабжени*, электроэнерги*
дефицит*, переселенц*, разминировани*
# Armenian
հումանիտար*, շրջափակ*, փախստական*, բռնի տեղահանված*, տեղահանված*, սնունդ*, դեղորայք*, դեղեր*
գազամատակարարում*, էլեկտրաէներգի*, տարհան*, ականազերծ*
# Azerbaijani
humanitar*, blokada*, qacqin*, köçkün*, kockun*, erzaq*, derman*, tibbi evakuasiya*, minalar*, minatemizleme*
mina qurban*
# Italian, Spanish, Dutch, French, German, Croatian
umanitari*, blocco, profughi, rifugiati, sfollati, in fuga, ontvluchten, ontvlucht, medicinali, farmaci, medicamentos
médicaments, alimentos, nourriture, voedsel, medicijnen, Medikamente, Lebensmittel, humanitaria*, bloqueo
refugiados, desplazados, humanitaire*
blocus, réfugiés, déplacés, humanitaire, blokkade, vluchtelingen, ontheemden, ontheemd, humanitair*
Blockade, Flüchtlinge, humanitäre*, izbjeglic*, izbjeglica, humanitarn*, blokad*, geflohen
bienes y servicios esenciales, beni essenziali
"""

CUES["hum1"] = """
aid, assistance, supplies, food, water, medical, hospital|s, ambulance|s, truck|s, cargo, goods, convoy
access, corridor, road, highway, checkpoint, crossing, passage, transit, needs, shortages, reception centre
reception center, humanitarian situation, living conditions, unblocking, open the road, opening of the road
reopening, opening, shut, closure, closed, families, civilian population, cibo, ospedale, hospital, hôpital
ziekenhuis, Krankenhaus, ayuda
aiuti, aide, hulp, Hilfe, crossed into, crossed the border, leaving the city, left the city
internet, communications, disrupted, kept shut, keeping shut
women and children, gas pipeline
block|s|ed|ing
heating, isolation, isolated, relief, registered
вывезен*, транспорт*, КПП, пропускн*, дорог*, коридор*
ճանապարհ*, միջանցք*, անցակետ*, փակել*, փակվել*, փակված*
yol, dehliz*, keçid*, kecid*, buraxilis*
"""

CUES["official"] = """
government, authorities, authority, officials, official, leadership, leader|s, president, prime minister
premier, foreign minister, defence minister, defense minister, minister, ministry, foreign ministry
defence ministry, defense ministry, interior ministry, mfa, mod, spokesman, spokeswoman, spokesperson
press secretary, press service, envoy, ambassador, embassy, diplomat|s, representative, side, parliament
ombudsman, human rights defender, prosecutor, prosecutors, prosecutor general, prosecutor general's office
prosecutor's office, security council, security service
border service, information center, info center, infocenter, information headquarters, headquarters
charge d'affaires, charge d affaires, commission, emergency situations ministry, ministry of emergency situations
emergency service|s, emergency situations service
rescue service, health ministry, healthcare ministry, ministry of defence, ministry of defense
ministry of foreign affairs
ministry of internal affairs
administration, presidential administration, cabinet, lawmakers, deputies, mps, legislators, senators
deputy foreign minister, aide, adviser, advisor
власти, правительство, МИД, минобороны, министр*, президент*, премьер*, представител*, посол*, пресс-служб*
омбудсмен*, генпрокуратур*, прокуратур*
իշխանություն*, կառավարություն*, նախարար*, նախարարություն*, պաշտպանության նախարարություն*, վարչապետ*
նախագահ*, ԱԳՆ, ներկայացուցիչ*, արտաքին գործերի նախարարություն*, ներքին գործերի նախարարություն*
արտակարգ իրավիճակների նախարարություն*, մարդու իրավունքների պաշտպան*, ազգային անվտանգության ծառայություն*
անվտանգության խորհուրդ*, անվտանգության խորհրդ*
hokumet*, prezident*, nazir*, nazirliy*, rehberliy*, rehbərliy*, numayende*, sozcu*, prezidentin komekci*
governo, gobierno, regering, Regierung, premier, ministro, presidente, ministerie, woordvoerder
autorita, autoridades, autorites, autoriteiten, Behörden, ministre, ministère, ministerio, ministro degli esteri
ministero degli esteri, ministero della difesa, ministerio de defensa, ministerio de exteriores, porta-voce
außenministerium*, verteidigungsministerium*
regierung*, ministerie van defensie, ministerie van buitenlandse zaken, ministero, ministerio, ministere, portavoce
portavoz
porte-parole, vlasti, ministarstvo
"""

CUES["future"] = """
will, would, could, might, may, threaten|s|ed to, plan|s|ned to, ready to, prepared to, intend|s|ed to, risk of
possible, potential, fear of, fears of, warned of, threat of, danger of, prevent, avoid, no, not, never, without
last year's, whether, claims of, claim of, allegations of, allegation of, accusations of, statement about
claims that, allegations that, affected by, preparing, planning, plotting, offered to, offers to, anniversary of
commemorat|e|ed|ing|ion
end to the, end to, ending the, end the
stop the, halt the, to stop, to end, cessation of
"""

CUES["not_event"] = """
detention centre, detention center, detention facility, pretrial detention centre, pre-trial detention centre
unexploded cluster munitions, unexploded cluster bombs, unexploded ordnance, unexploded mines
"""

CUES["not_access"] = """
international humanitarian law, humanitarian law, humanitarian values, humanitarian gesture, humanitarian grounds
humanitarian ceasefire, humanitarian truce, fuel depot, fuel depot explosion
"""

CUES["offtopic"] = """
football, soccer, basketball, tennis, volleyball, wrestling, weightlifting, boxing, chess, olympic|s, championship
league, tournament, match, goal, goals, weightlifter|s, wrestler|s, boxer|s, athlete|s, medal|s, sports
coach, striker, midfielder, world cup, grand prix, formula 1, concert
festival, album, film festival, box office, recipe, fashion, celebrity, weather forecast, horoscope, lottery
stock market, earnings, quarterly results, smartphone, iphone, football club, fc, uefa, fifa, eurovision
"""

# Both parties at once ("both sides accused each other"): a speaker on each side.
BOTH_SIDES = """
both sides, the two sides, each other, both countries, the two countries, both parties, the two parties
both armies, obe storony, обе стороны, стороны обвинили, երկու կողմ*, her iki teref*
"""

# Side words: an adjective or a name that places a generic speaker on a side ("Armenian
# officials", "Baku's foreign ministry", "the leadership of the breakaway region"). The value is
# the actor id a generic speaker of that side resolves to.
SIDE_WORDS: dict[str, str] = {
    "azerbaijan-government": """
azerbaiyan, azerbaigian, azerbeidzjan, aserbaidschan, azerbaidjan, azerbaidjanais*, azero, azeri, bakoe, baku, bakou
aserbaidschanisch*, azerbeidzjaans*
azerbaijani, azerbaijanis, azeri, azeris, azerbaijan, baku, azerbaijan's, baku's, azerbaycan*, azerbaycanli
азербайджанск*, азербайджан*, баку, ադրբեջան*, բաքու*, azero, azera, azere, azeri, azerbaiyano, azerbeidzjaanse
""",
    "armenia-government": """
armenien, armenienne, armeniens, armenie, armenien's, armenije, armeniju, armenisk
armenisch*, armeens*, armeense, armeensche
armenian, armenia, yerevan, armenia's, yerevan's, армянск*, армени*, ереван*, հայաստան*, հայկական, երևան*
ermeni*, ermenistan*, irevan*, armeno, armena, armeni, armene, armenio, armenias, armeense, armenische, armenienne
armenski, armenske
""",
    "karabakh-authorities": """
karabakh, nagorno-karabakh, artsakh, breakaway, separatist, separatists, stepanakert, de facto, self-proclaimed
ethnic armenian, ethnic armenians, karabakh armenian, karabakh armenians, karabakh's, artsakh's
карабах*, арцах*, сепаратист*, արցախ*, ղարաբաղ*, ստեփանակերտ*, separatci*, qondarma
# inflected past the five letters a stem allows, and the Karabakh Armenians as Azerbaijani and Russian name them
separatcilar, separatcilari, separatcilarin, separatcilarinin, separatcilarina, separatcilarla
qarabag ermeni*, qarabagdaki ermeni*, qarabagin ermeni*, qarabag ermenileri*, карабахск* армян*, армян* карабах*
нкр, непризнанн*, unrecognised, unrecognized
""",
    "russia-government": "russian, russia, moscow, russia's, moscow's, kremlin, российск*, россия, ռուսական, rusiya*",
    "georgia-government": "georgian, georgia, tbilisi, грузинск*, грузия",
    "turkey-government": "turkish, turkey, ankara, türkiye, turkey's, турецк*, турция, թուրքական, türk, turk",
    "iran-government": "iranian, iran, tehran, iran's, иранск*, иран, իրանական, iran*",
    "germany-government": "german, germany, berlin, germany's, немецк*, германи*, deutsche, deutschen",
    "uk-government": "british, UK, britain, london, britain's, британск*, великобритани*",
    "other-governments": """
italian, italy, canadian, canada, chinese, china, ukrainian, ukraine, israeli, israel, pakistani, pakistan, indian
india, dutch, netherlands, polish, poland, swedish, sweden, swiss, switzerland, greek, greece, belgian, kazakh
kazakhstan, uzbek, belarusian, japanese, japan, egyptian, saudi, qatari, emirati, hungarian, hungary, romanian
""",
    "us-government": "american, US, USA, washington, united states, america's, американск*, ամերիկյան",
    "france-government": """
french, france, paris, французск*, ֆրանսիական, francais, francaise, francese, frances, franse, frankrijk
""",
    "european-union": "european, EU, brussels, европейск*, եվրոպական",
    "united-nations": "UN, united nations, оон",
}
