declare const inPlace: { dirname: string };
export = inPlace;
