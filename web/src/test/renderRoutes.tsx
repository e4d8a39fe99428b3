import { render } from "@testing-library/react";
import { MemoryRouter } from "react-router";
import { AppRoutes, Providers } from "../App";
import { LocationDisplay, testQueryClient } from "./utils";

/** The whole app's routes at `route`, with a fresh query client and the location shown for assertions. */
export function renderRoutes(route: string) {
  render(
    <MemoryRouter initialEntries={[route]}>
      <Providers client={testQueryClient()}>
        <AppRoutes />
        <LocationDisplay />
      </Providers>
    </MemoryRouter>,
  );
}
