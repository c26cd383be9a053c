using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace LockContracts.Analyzers.Flow
{
    /// <summary>
    /// What the live analysis keeps about one syntax tree object, whatever compilations it is part of:
    /// a stamp that tells this object from every other version of the file, a hash of its outline
    /// (everything but the bodies of ordinary methods, operators and finalizers), the start of each
    /// member declaration, and the results computed from its bodies (<see cref="LiveCache"/>). Held in
    /// a <see cref="ConditionalWeakTable{TKey, TValue}"/>: it lives exactly as long as the tree.
    /// </summary>
    internal sealed class TreeRecord
    {
        private static readonly ConditionalWeakTable<SyntaxTree, TreeRecord> s_records = new();
        private static long s_stamps;

        private readonly int[] _anchors;

        private TreeRecord(SyntaxTree tree)
        {
            Stamp = Interlocked.Increment(ref s_stamps);
            var root = tree.GetRoot();
            var hash = Fingerprint.Start;
            foreach (var token in root.DescendantTokens(node => !IsFreeBody(node)))
            {
                hash = Fingerprint.Add(Fingerprint.Add(hash, token.RawKind), token.Text);
            }

            Outline = hash;
            var anchors = new List<int>();
            foreach (var node in root.DescendantNodes(n => n is CompilationUnitSyntax or BaseNamespaceDeclarationSyntax or TypeDeclarationSyntax))
            {
                if (node is MemberDeclarationSyntax)
                {
                    anchors.Add(node.SpanStart);
                }
            }

            anchors.Sort();
            _anchors = anchors.ToArray();
        }

        public static TreeRecord Of(SyntaxTree tree) => s_records.GetValue(tree, t => new TreeRecord(t));

        /// <summary>Unique to this tree object among all trees the process has seen.</summary>
        public long Stamp { get; }

        /// <summary>A hash of the tokens outside the bodies that an edit as you type changes: equal outlines declare the same program.</summary>
        public ulong Outline { get; }

        /// <summary>Summaries of the methods declared here, by declaration and call-site context.</summary>
        public ConcurrentDictionary<(int Anchor, int Offset, string Context), CachedClosure> Closures { get; } = new();

        /// <summary>What each body declared here contributes to the lock-order graph, by the declaration's start.</summary>
        public ConcurrentDictionary<int, CachedBody> Bodies { get; } = new();

        /// <summary>The guards and callees of each method declared here (<see cref="MethodShape"/>), by declaration.</summary>
        public ConcurrentDictionary<(int Anchor, int Offset), MethodShape> Shapes { get; } = new();

        /// <summary>The declarations that may touch a lock, for the outline hash of the compilation they were found in.</summary>
        public Tuple<ulong, ImmutableArray<SyntaxNode>>? Candidates { get; set; }

        /// <summary>
        /// A position as the member declaration it falls in (the last one that starts at or before it;
        /// -1 before the first) and its distance from that start: what stays the same when a body
        /// elsewhere in the file grows or shrinks.
        /// </summary>
        public (int Anchor, int Offset) Relative(int position)
        {
            var index = Array.BinarySearch(_anchors, position);
            if (index < 0)
            {
                index = ~index - 1;
            }

            return index < 0 ? (-1, position) : (index, position - _anchors[index]);
        }

        /// <summary>The position <see cref="Relative"/> names, in this version of the file; -1 when it has no such member.</summary>
        public int Position((int Anchor, int Offset) relative) =>
            relative.Anchor < 0 ? relative.Offset : relative.Anchor < _anchors.Length ? _anchors[relative.Anchor] + relative.Offset : -1;

        /// <summary>Bodies whose edits leave the declarations, and so every other body's binding, as they are.</summary>
        private static bool IsFreeBody(SyntaxNode node) =>
            node is BlockSyntax or ArrowExpressionClauseSyntax
            && node.Parent is MethodDeclarationSyntax or OperatorDeclarationSyntax or ConversionOperatorDeclarationSyntax or DestructorDeclarationSyntax;
    }

    /// <summary>FNV-1a, 64 bits: hashes that are the same in every process and on every run.</summary>
    internal static class Fingerprint
    {
        public const ulong Start = 14695981039346656037UL;
        private const ulong Prime = 1099511628211UL;

        public static ulong Add(ulong hash, int value)
        {
            unchecked
            {
                for (var i = 0; i < 4; i++)
                {
                    hash = (hash ^ (byte)(value >> (8 * i))) * Prime;
                }

                return hash;
            }
        }

        public static ulong Add(ulong hash, ulong value) => Add(Add(hash, (int)value), (int)(value >> 32));

        public static ulong Add(ulong hash, string? text)
        {
            unchecked
            {
                if (text is null)
                {
                    return Add(hash, -1);
                }

                foreach (var c in text)
                {
                    hash = (hash ^ c) * Prime;
                }

                return Add(hash, text.Length);
            }
        }

        /// <summary>Where a location is, as a file and a place relative to its member (<see cref="TreeRecord.Relative"/>), and how long.</summary>
        public static ulong Add(ulong hash, Location location)
        {
            if (!location.IsInSource || location.SourceTree is not { } tree)
            {
                return Add(hash, (int)location.Kind);
            }

            var (anchor, offset) = TreeRecord.Of(tree).Relative(location.SourceSpan.Start);
            return Add(Add(Add(Add(hash, tree.FilePath), anchor), offset), location.SourceSpan.Length);
        }

        public static ulong Of(CallPath path)
        {
            var hash = Add(Start, path.Length);
            foreach (var step in path)
            {
                hash = Add(Add(Add(hash, step.Name), step.IsUncertain ? 1 : 0), step.Location);
            }

            return hash;
        }

        public static ulong Of(ImmutableArray<SummaryAcquisition> acquisitions)
        {
            var hash = Add(Start, acquisitions.Length);
            foreach (var a in acquisitions)
            {
                hash = Add(hash, a.LockClass);
                hash = Add(hash, a.Owner);
                hash = Add(hash, a.Display);
                hash = Add(hash, (int)a.Mode);
                hash = Add(hash, (int)a.Primitive);
                hash = Add(hash, a.Retaken ? 1 : 0);
                hash = Add(hash, a.Guard?.ToString());
                hash = Add(hash, Of(a.Path));
            }

            return hash;
        }
    }

    /// <summary>A span of a file in a version that may be older than the compilation's: mapped by member and offset.</summary>
    internal static class Relocation
    {
        public static Location Map(Location location, Func<SyntaxTree, SyntaxTree?> current)
        {
            if (!location.IsInSource || location.SourceTree is not { } tree || current(tree) is not { } now || ReferenceEquals(now, tree))
            {
                return location;
            }

            var start = TreeRecord.Of(now).Position(TreeRecord.Of(tree).Relative(location.SourceSpan.Start));
            var length = now.Length;
            start = Math.Max(0, Math.Min(start < 0 ? 0 : start, length));
            return Location.Create(now, new TextSpan(start, Math.Min(location.SourceSpan.Length, length - start)));
        }
    }
}
