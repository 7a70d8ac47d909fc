import type { Metadata } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import { TrpcProviders } from "@/components/trpc";
import { ConnectionStatus } from "@/components/ui/connection-status";
import "@xyflow/react/dist/style.css";
import "./globals.css";

export const metadata: Metadata = {
  title: "Atelier",
  description: "A versioned workflow studio for ComfyUI",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <TrpcProviders>
          <header className="app-header">
            <Link href="/" className="brand">
              Atelier
            </Link>
            <nav>
              <Link href="/">Workflows</Link>
              <Link href="/templates">Templates</Link>
              <Link href="/runs">Runs</Link>
              <Link href="/settings">Settings</Link>
            </nav>
            <ConnectionStatus />
          </header>
          <main className="app-main">{children}</main>
        </TrpcProviders>
      </body>
    </html>
  );
}
