/**
 * The research export's formulas, in words (French and English) and as expressions: exactly what
 * src/lib/domain/aggregate computes, so that a researcher can recompute every published figure
 * from the ballot matrices alone (tests/unit/export/research.test.ts does, with code of its own).
 */
import { GROUP, MIN_GROUP } from '../domain/aggregate';
import { AGREEMENT_BELOW as B, APPROVAL_TOP } from '../domain/aggregate/ranking';
import type { Language } from '../domain/model';

/** A number as French writes it (decimal comma). */
const decimalComma = (n: number) => String(n).replace('.', ',');

export type Formulas = Record<
  | 'ballots'
  | 'dots'
  | 'borda'
  | 'meanRank'
  | 'approval'
  | 'firstPlaces'
  | 'order'
  | 'kendallW'
  | 'agreementLevel'
  | 'support',
  { words: string; expression: string }
>;

/**
 * The formulas, as src/lib/domain/aggregate computes them. n: the shortlist's items; m: the
 * ballots counted; k_j: the items ballot j ranks; r_ij: the rank ballot j gives item i (1 = first).
 */
const EXPRESSIONS: Record<keyof Formulas, string> = {
  ballots:
    'k_j = number of non-null cells of row j; a row with k_j = n − 1 never occurs (its last item is written ranked n)',
  dots: 'D_c = Σ_v d_vc',
  borda: 'B_i = Σ_j b_ij, b_ij = n − r_ij if ballot j ranks i, else (n − k_j − 1) / 2',
  meanRank: 'M_i = (1/m) Σ_j ρ_ij, ρ_ij = r_ij if ballot j ranks i, else (n + k_j + 1) / 2',
  approval: `A_i = #{ j : r_ij ≤ ${APPROVAL_TOP} }`,
  firstPlaces: 'F_i = #{ j : r_ij = 1 }',
  order: 'sort by B_i desc, then F_i desc, then A_i desc, then shortlist order (the columns)',
  kendallW:
    'R_i = Σ_j ρ_ij; S = Σ_i (R_i − m(n+1)/2)²; t_j = n − k_j; T_j = t_j³ − t_j; W = 12 S / (m²(n³ − n) − m Σ_j T_j); null if m < 2, n < 2 or the denominator ≤ 0',
  agreementLevel: `W < ${B.none}: none; W < ${B.weak}: weak; W < ${B.moderate}: moderate; otherwise strong`,
  support: `per group g of voters: B_ig = Σ_{j in g} b_ij; g = the voter's sector, or '${GROUP.other}' for a sector with fewer than ${MIN_GROUP} voters and for voters without a sector; no group at all if '${GROUP.other}' then holds 1 or 2 voters`,
};

const WORDS: Record<Language, Record<keyof Formulas, string>> = {
  fr: {
    ballots:
      "Une ligne par bulletin compté : le rang donné à chaque élément de la liste restreinte (1 = premier), vide quand il n'est pas classé. Un bulletin vide ne compte pas ; un bulletin qui classe tous les éléments sauf un place le dernier au dernier rang (la matrice l'écrit).",
    dots: 'Gommettes : le total de chaque proposition est la somme de sa colonne ; la participation est le nombre de lignes.',
    borda:
      "Borda : un bulletin donne n − r points à l'élément qu'il classe au rang r ; les éléments qu'il ne classe pas se partagent à parts égales les points des places restantes.",
    meanRank:
      "Rang moyen : la moyenne, sur les m bulletins, du rang donné à l'élément ; un élément non classé reçoit la moyenne des rangs restants (k + 1 à n).",
    approval: `Approbation : le nombre de bulletins qui placent l'élément dans leurs ${APPROVAL_TOP} premiers.`,
    firstPlaces: "Premières places : le nombre de bulletins qui placent l'élément premier.",
    order:
      "Ordre publié : Borda décroissant ; à égalité, plus de premières places, puis plus d'approbations, puis l'ordre de la liste restreinte.",
    kendallW:
      "Accord (W de Kendall, corrigé pour les ex æquo) : les éléments non classés d'un bulletin sont ex æquo ; 0 = les bulletins s'annulent, 1 = tous donnent le même ordre. Non calculé avec moins de deux bulletins ou de deux éléments.",
    agreementLevel: `L'accord en un mot : moins de ${decimalComma(B.none)} aucun, moins de ${decimalComma(B.weak)} faible, moins de ${decimalComma(B.moderate)} modéré, sinon fort.`,
    support:
      "Soutien par secteur : les points de Borda des bulletins de chaque groupe de votants, le groupe d'un votant étant son secteur ; un secteur de moins de 3 votants rejoint « Autres secteurs », comme les votants sans secteur, et aucun groupe n'est donné si celui-ci en compte 1 ou 2 (on le refait depuis la matrice et le groupe de chaque pseudonyme, tant que ceux-ci sont donnés).",
  },
  en: {
    ballots:
      'One row per ballot counted: the rank given to each shortlist item (1 = first), empty when unranked. An empty ballot does not count; a ballot ranking every item but one puts that one last (the matrix writes it).',
    dots: "Dots: a candidate's total is the sum of its column; turnout is the number of rows.",
    borda:
      'Borda: a ballot gives n − r points to the item it ranks r; the items it leaves unranked share the points of the places left equally.',
    meanRank:
      "Mean rank: the mean, over the m ballots, of the item's rank; an unranked item gets the mean of the ranks left (k + 1 to n).",
    approval: `Approval: the number of ballots that put the item in their top ${APPROVAL_TOP}.`,
    firstPlaces: 'First places: the number of ballots that put the item first.',
    order:
      'Published order: Borda, highest first; on a tie, more first places, then more approvals, then the shortlist order.',
    kendallW:
      "Agreement (Kendall's W, corrected for ties): a ballot's unranked items are tied; 0 = the ballots cancel out, 1 = all give the same order. Not computed with fewer than two ballots or two items.",
    agreementLevel: `Agreement in a word: under ${B.none} none, under ${B.weak} weak, under ${B.moderate} moderate, otherwise strong.`,
    support:
      "Support per sector: the Borda points of each group of voters' ballots, a voter's group being their sector; a sector of fewer than 3 voters joins 'Other sectors', as do voters without a sector, and no group is given when that one holds 1 or 2 (recomputed from the matrix and each pseudonym's group, while those are given).",
  },
};

/** The formulas in the workshop's language. */
export const FORMULAS = Object.fromEntries(
  (['fr', 'en'] as const).map((language) => [
    language,
    Object.fromEntries(
      (Object.keys(EXPRESSIONS) as (keyof Formulas)[]).map((key) => [
        key,
        { words: WORDS[language][key], expression: EXPRESSIONS[key] },
      ]),
    ) as Formulas,
  ]),
) as Record<Language, Formulas>;
