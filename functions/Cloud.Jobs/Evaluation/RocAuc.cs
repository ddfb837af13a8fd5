namespace Cloud.Jobs.Evaluation;

/// <summary>
/// ROC AUC by ranks (the Mann–Whitney U statistic): the probability that a random positive row scores above a random
/// negative one, ties counting a half. Exact, and O(n log n) for the sort.
/// </summary>
internal static class RocAuc
{
    /// <summary>The AUC of <paramref name="scores"/> for the rows flagged <paramref name="positive"/>; null when either side has no rows. Sorts both arrays.</summary>
    public static double? Of(float[] scores, bool[] positive)
    {
        Array.Sort(scores, positive);
        long positives = 0;
        double positiveRankSum = 0;
        for (var i = 0; i < scores.Length;)
        {
            // Rows with equal scores share the mean of their ranks (1-based): (i + 1 + j) / 2 for the run [i, j).
            var j = i + 1;
            while (j < scores.Length && scores[j] == scores[i])
            {
                j++;
            }

            var inRun = 0;
            for (var k = i; k < j; k++)
            {
                inRun += positive[k] ? 1 : 0;
            }

            positives += inRun;
            positiveRankSum += inRun * ((i + 1 + j) / 2.0);
            i = j;
        }

        var negatives = scores.Length - positives;
        return positives == 0 || negatives == 0 ? null
            : (positiveRankSum - (positives * (positives + 1) / 2.0)) / ((double)positives * negatives);
    }
}
