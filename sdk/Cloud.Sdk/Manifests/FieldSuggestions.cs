namespace Cloud.Sdk.Manifests;

/// <summary>
/// "Did you mean" for misspelled names. The distance is optimal string alignment (Damerau-Levenshtein where a
/// transposed pair counts as one edit, the commonest typo); a candidate is offered when it is at most 2 edits away
/// and at most a third of its length (at least 1), so short names do not attract unrelated suggestions.
/// </summary>
internal static class FieldSuggestions
{
    /// <summary>The closest candidates (several when tied), or empty when none is close enough.</summary>
    public static IReadOnlyList<string> Closest(string text, IEnumerable<string> candidates)
    {
        var best = new List<string>();
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            var limit = Math.Min(2, Math.Max(1, candidate.Length / 3));
            var distance = Distance(text, candidate);
            if (distance > limit || distance > bestDistance)
            {
                continue;
            }

            if (distance < bestDistance)
            {
                best.Clear();
                bestDistance = distance;
            }

            if (!best.Contains(candidate, StringComparer.Ordinal))
            {
                best.Add(candidate);
            }
        }

        return best;
    }

    /// <summary>The candidate equal to <paramref name="text"/> ignoring case, or null.</summary>
    public static string? SameIgnoringCase(string text, IEnumerable<string> candidates) =>
        candidates.FirstOrDefault(candidate => string.Equals(candidate, text, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Optimal string alignment distance (ordinal, case-sensitive). Exact whenever it can matter here, that is
    /// when it is at most 2; otherwise it may be any number above 2.
    /// </summary>
    public static int Distance(string a, string b)
    {
        // Field names are short (and a manifest is at most 64 KiB), but a hostile key can be long: beyond this
        // length the answer is "far", and the quadratic table is not worth building.
        const int MaxLength = 256;
        if (Math.Abs(a.Length - b.Length) > 2 || a.Length > MaxLength || b.Length > MaxLength)
        {
            return Math.Max(a.Length, b.Length);
        }

        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}
